package io.imcloud.tenancy;

import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.RestHarnessStack.MovableClock;
import io.imcloud.testsupport.TestDatabase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token signing and verification, and the shared signing key in ofImKey. */
class TokenServiceTest {

    private static final AppKey KEY = AppKey.of("acme", "chat");

    @AllDatabases
    void verifiesWhatItIssuedUntilExpiry(TestDatabase db) {
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TokenService tokens = new TokenService(new SigningKeyStore(db, clock), clock);
        long exp = clock.instant().getEpochSecond() + 60;
        App app = new App(KEY, "app-uuid", "YXA6x", 1, false, 0, 0, FilePolicy.DEFAULT, 0, 0);
        Token user = Token.forUser(app, AppUser.of(KEY, "bob"), "u-1", clock.millis(), exp);
        String issued = tokens.issue(user);

        assertEquals(user, tokens.verify(issued).orElseThrow());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(tokens.verify(issued).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(tokens.verify(issued).isEmpty(), "expired at expiresAt");
    }

    @AllDatabases
    void refusesTamperedForeignAndMalformedTokens(TestDatabase db) {
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TokenService tokens = new TokenService(new SigningKeyStore(db, clock), clock);
        long exp = clock.instant().getEpochSecond() + 3600;
        String issued = tokens.issue(new Token(KEY, "app-uuid", null, null, 1, clock.millis(), exp));
        String payload = issued.substring(0, issued.indexOf('.'));
        String signature = issued.substring(issued.indexOf('.') + 1);
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("2|acme#chat|app-uuid|||2|" + clock.millis() + "|" + exp).getBytes()) + "." + signature;

        assertTrue(tokens.verify(forged).isEmpty(), "claims changed under the old signature");
        assertTrue(tokens.verify(payload).isEmpty());
        assertTrue(tokens.verify(payload + ".").isEmpty());
        assertTrue(tokens.verify("!!!." + signature).isEmpty());
        assertTrue(tokens.verify("x".repeat(TokenService.MAX_TOKEN_LENGTH + 1)).isEmpty());
        try (TestDatabase other = TestDatabase.create(db.databaseType())) {
            TokenService otherServer = new TokenService(new SigningKeyStore(other, clock), clock);
            assertTrue(otherServer.verify(issued).isEmpty(), "another installation's key");
        }
    }

    /** Tokens of format 1 (no time of issue, imcloud 0.2) still verify, as issued at 0: any revocation ends them. */
    @AllDatabases
    void acceptsFormatOneTokensAsIssuedAtZero(TestDatabase db) throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SigningKeyStore keys = new SigningKeyStore(db, clock);
        TokenService tokens = new TokenService(keys, clock);
        long exp = clock.instant().getEpochSecond() + 60;
        tokens.issue(new Token(KEY, "app-uuid", null, null, 1, clock.millis(), exp)); // creates the signing key
        byte[] claims = ("1|acme#chat|app-uuid|bob|u-1|0|" + exp).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(keys.loadOrCreate("token.hmac", 32), "HmacSHA256"));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String formatOne = b64.encodeToString(claims) + "." + b64.encodeToString(mac.doFinal(claims));

        assertEquals(new Token(KEY, "app-uuid", "bob", "u-1", 0, 0, exp), tokens.verify(formatOne).orElseThrow());
    }

    /** Cluster nodes starting together all end up with the one key that won the insert. */
    @AllDatabases
    void concurrentKeyCreationYieldsOneKey(TestDatabase db) throws Exception {
        MovableClock clock = new MovableClock(Instant.now());
        int nodes = 8;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Callable<byte[]>> starts = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                starts.add(() -> new SigningKeyStore(db, clock).loadOrCreate("race", 32));
            }
            Set<String> keys = new HashSet<>();
            byte[] first = null;
            for (Future<byte[]> f : pool.invokeAll(starts)) {
                byte[] k = f.get();
                first = first == null ? k : first;
                keys.add(Base64.getEncoder().encodeToString(k));
            }
            assertEquals(1, keys.size());
            assertEquals(1, db.count("ofImKey"));
            assertArrayEquals(first, new SigningKeyStore(db, clock).loadOrCreate("race", 32));
        } finally {
            pool.shutdown();
        }
    }
}
