package io.imcloud.push;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature of a callback: {@code X-Imcloud-Signature: sha256=<hex>}, the lower-case hex HMAC-SHA256, keyed with
 * the UTF-8 bytes of the app's callback secret, of the UTF-8 bytes of the {@code X-Imcloud-Timestamp} value (epoch
 * milliseconds of the attempt), a {@code .}, and the request body exactly as received. A receiver recomputes it over
 * the raw body, compares in constant time, and refuses a timestamp more than {@value #DEFAULT_TOLERANCE_MILLIS} ms from
 * its own clock and a {@code callId} it already took within that window (a replay); {@link #verify} does all but the
 * last.
 */
public final class CallbackSignature {

    /** The header with the attempt's time, epoch milliseconds. */
    public static final String TIMESTAMP_HEADER = "X-Imcloud-Timestamp";
    /** The header with {@code sha256=<hex>}. */
    public static final String SIGNATURE_HEADER = "X-Imcloud-Signature";
    /** The header with the callback's id (also the body's {@code callId}): the same for every attempt of one callback. */
    public static final String CALLBACK_ID_HEADER = "X-Imcloud-Callback-Id";
    /** How far a receiver should let a timestamp be from its own clock: 5 minutes. */
    public static final long DEFAULT_TOLERANCE_MILLIS = 300_000;

    private static final String PREFIX = "sha256=";

    private CallbackSignature() {
    }

    /** One MAC per thread: looking the algorithm up costs more than signing a callback. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    });

    /** The {@link #SIGNATURE_HEADER} value for {@code body} sent at {@code timestamp}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /**
     * What a receiver checks: the signature matches (constant time) and the timestamp is within
     * {@code toleranceMillis} of {@code nowMillis}. (A receiver also refuses a {@code callId} it saw in that window.)
     */
    public static boolean verify(String secret, String timestamp, String signature, byte[] body, long nowMillis,
                                 long toleranceMillis) {
        if (secret == null || timestamp == null || signature == null) {
            return false;
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowMillis - sentAt) > toleranceMillis) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
