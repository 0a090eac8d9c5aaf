package io.imcloud.tenancy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * HMAC-SHA256 with one of the server's keys ({@link SigningKeyStore}), the same on every cluster node: what tokens
 * and upload slots are signed with. The key is read (or made) on first use and kept.
 */
public final class ServerSigner {

    private final SigningKeyStore keys;
    private final String keyName;
    private volatile SecretKeySpec key;

    /** Signs with the server key {@code keyName}, made with 32 random bytes when it does not exist yet. */
    public ServerSigner(SigningKeyStore keys, String keyName) {
        this.keys = keys;
        this.keyName = keyName;
    }

    /** The signature of {@code payload}. */
    public byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** Whether {@code signature} is that of {@code payload}, compared in constant time. */
    public boolean verify(byte[] payload, byte[] signature) {
        return MessageDigest.isEqual(sign(payload), signature);
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(keys.loadOrCreate(keyName, 32), "HmacSHA256");
                }
                k = key;
            }
        }
        return k;
    }
}
