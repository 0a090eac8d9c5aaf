package io.imcloud.tenancy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Issues and verifies access tokens: {@code base64url(claims) "." base64url(HMAC-SHA256(claims))}
 * signed with a server key from {@link SigningKeyStore}. Verification needs no database row per
 * token, so any cluster node verifies any token; whether the app's secret version or the user still
 * match is for the caller to check against current state.
 */
public final class TokenService {

    /** Longer input is refused before any decoding. */
    public static final int MAX_TOKEN_LENGTH = 512;

    private static final String KEY_NAME = "token.hmac";
    /** Claims: format, app key, app uuid, username, user uuid, secret version, issued at, expires at. */
    private static final String FORMAT = "2";
    /**
     * Format 1 (imcloud 0.2) had no time of issue. Its tokens stay valid until they expire or the user's tokens
     * are revoked: they count as issued at 0, before any revocation.
     */
    private static final String FORMAT_WITHOUT_ISSUE_TIME = "1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ServerSigner signer;
    private final Clock clock;

    public TokenService(SigningKeyStore keys, Clock clock) {
        this.signer = new ServerSigner(keys, KEY_NAME);
        this.clock = clock;
    }

    /** The signed token string for {@code token}. */
    public String issue(Token token) {
        String claims = String.join("|", FORMAT, token.appKey().toString(), token.appUuid(), nullToEmpty(token.username()),
                nullToEmpty(token.userUuid()), Integer.toString(token.secretVersion()), Long.toString(token.issuedAt()),
                Long.toString(token.expiresAt()));
        byte[] payload = claims.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(payload) + '.' + B64.encodeToString(signer.sign(payload));
    }

    /** The claims of a well-formed, correctly signed, unexpired token; empty otherwise. */
    public Optional<Token> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!signer.verify(payload, signature)) {
                return Optional.empty();
            }
            return parse(new String(payload, StandardCharsets.UTF_8))
                    .filter(t -> t.expiresAt() > clock.instant().getEpochSecond());
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private static Optional<Token> parse(String claims) {
        String[] c = claims.split("\\|", -1);
        long issuedAt;
        if (c.length == 8 && FORMAT.equals(c[0])) {
            issuedAt = Long.parseLong(c[6]);
        } else if (c.length == 7 && FORMAT_WITHOUT_ISSUE_TIME.equals(c[0])) {
            issuedAt = 0;
        } else {
            return Optional.empty();
        }
        String username = c[3].isEmpty() ? null : c[3];
        String userUuid = c[4].isEmpty() ? null : c[4];
        return Optional.of(new Token(AppKey.parse(c[1]), c[2], username, userUuid, Integer.parseInt(c[5]), issuedAt,
                Long.parseLong(c[c.length - 1])));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
