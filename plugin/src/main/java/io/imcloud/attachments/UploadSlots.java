package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.ServerSigner;
import io.imcloud.tenancy.SigningKeyStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * XEP-0363 upload slots as signed, short-lived grants: the user, the file id, its exact size and name, and an expiry,
 * signed with a server key every cluster node shares, so a PUT may reach any node and needs no row until the file
 * is stored. A slot serves one upload: the file id becomes the stored file's primary key, so a second PUT is
 * refused ({@link AttachmentException.Reason#DUPLICATE}).
 */
public final class UploadSlots {

    private static final String KEY_NAME = "upload-slot-hmac";
    private static final String VERSION = "s1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** Longest token accepted before any decoding. */
    private static final int MAX_TOKEN_LENGTH = 2048;

    private final ServerSigner signer;
    private final Clock clock;

    public UploadSlots(SigningKeyStore keys, Clock clock) {
        this.signer = new ServerSigner(keys, KEY_NAME);
        this.clock = clock;
    }

    /** A new slot for {@code user} to upload {@code size} bytes named {@code fileName} within {@code validity}. */
    public Slot issue(AppUser user, long size, String fileName, Duration validity) {
        Slot slot = new Slot(user, UUID.randomUUID().toString(), size, DisplayNames.clean(fileName),
                clock.millis() + validity.toMillis());
        String payload = String.join("|", VERSION, user.appKey().toString(), user.username(), slot.uuid(),
                Long.toString(size), Long.toString(slot.expiresAt()),
                B64.encodeToString((slot.fileName() == null ? "" : slot.fileName()).getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return slot.withToken(B64.encodeToString(bytes) + '.' + B64.encodeToString(signer.sign(bytes)));
    }

    /** The slot a token grants, when it is well-formed, signed by us and not expired. */
    public Optional<Slot> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = B64D.decode(token.substring(0, dot));
            if (!signer.verify(payload, B64D.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] f = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            if (f.length != 7 || !VERSION.equals(f[0])) {
                return Optional.empty();
            }
            String name = new String(B64D.decode(f[6]), StandardCharsets.UTF_8);
            Slot slot = new Slot(new AppUser(AppKey.parse(f[1]), f[2]), f[3], Long.parseLong(f[4]),
                    name.isEmpty() ? null : name, Long.parseLong(f[5])).withToken(token);
            return slot.expiresAt() > clock.millis() ? Optional.of(slot) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /**
     * One upload slot.
     *
     * @param user      who may upload
     * @param uuid      the id the file gets
     * @param size      the exact size of the upload
     * @param fileName  the cleaned file name the client asked for, or null
     * @param expiresAt epoch milliseconds after which the slot is refused
     * @param token     the signed grant the PUT presents (null until issued)
     */
    public record Slot(AppUser user, String uuid, long size, String fileName, long expiresAt, String token) {

        Slot(AppUser user, String uuid, long size, String fileName, long expiresAt) {
            this(user, uuid, size, fileName, expiresAt, null);
        }

        Slot withToken(String signed) {
            return new Slot(user, uuid, size, fileName, expiresAt, signed);
        }
    }
}
