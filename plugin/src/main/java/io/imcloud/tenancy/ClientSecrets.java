package io.imcloud.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Generates client ids and secrets, and stores secrets only as salted hashes.
 * <p>
 * A single salted SHA-256 is enough here, unlike for user passwords: the secret is 256 bits from
 * {@link SecureRandom}, never chosen by a person, so there is no dictionary to try and brute force
 * of the hash is as hopeless as guessing the secret itself. A slow KDF would only slow every token
 * request down. Comparisons use {@link MessageDigest#isEqual} so timing reveals nothing.
 */
final class ClientSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String SCHEME = "sha256";

    private ClientSecrets() {
    }

    /** A new client secret: 32 random bytes, base64url (43 characters). */
    static String newSecret() {
        return B64.encodeToString(randomBytes(32));
    }

    /** A new client id: Easemob's {@code YXA6} prefix and 16 random bytes. */
    static String newClientId() {
        return "YXA6" + B64.encodeToString(randomBytes(16));
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** {@code sha256$<salt>$<hash>} of {@code secret} with a fresh 16-byte salt. */
    static String hash(String secret) {
        byte[] salt = randomBytes(16);
        return SCHEME + '$' + B64.encodeToString(salt) + '$' + B64.encodeToString(digest(salt, secret));
    }

    /** True when {@code secret} hashes to {@code stored}; constant time in the secret. */
    static boolean matches(String secret, String stored) {
        String[] parts = stored.split("\\$");
        if (secret == null || parts.length != 3 || !SCHEME.equals(parts[0])) {
            return false;
        }
        return MessageDigest.isEqual(digest(B64D.decode(parts[1]), secret), B64D.decode(parts[2]));
    }

    /** Constant-time equality of two strings (for client ids), false when either is null. */
    static boolean equalsConstantTime(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] digest(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
