package io.imcloud.push;

import io.imcloud.tenancy.AppKey;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the console reads of an app's callbacks: the counts, and the failures the queue keeps. */
class CallbackReportsTest {

    private static final AppKey APP = AppKey.of("acme", "chat");
    private static final AppKey OTHER = AppKey.of("acme", "other");
    private static final String OWNER = "node-a";

    /**
     * Five callbacks: one untouched, two failed once and waiting (the one due first is shown), two given up (the one
     * that gave up last is shown); another app's, delivered, shows nothing failing.
     */
    @AllDatabases
    void showsTheCountsTheRetryDueFirstAndTheLatestDeadLetter(TestDatabase db) {
        CallbackQueue queue = new CallbackQueue(db);
        CallbackReports reports = new CallbackReports(db, queue::health);
        assertEquals(new CallbackReport(PushHealth.NONE, 0, null, null), reports.of(APP), "nothing yet");

        Map<Long, String> messages = new LinkedHashMap<>();
        for (long id = 1; id <= 5; id++) {
            messages.put(id, "bob");
        }
        queue.enqueue(APP, messages, 100, 1_000);
        queue.enqueue(OTHER, Map.of(9L, "eve"), 100, 1_000);
        List<CallbackQueue.Entry> due = queue.claim(queue.due(2_000, 10, Set.of()), OWNER, 2_000, 60_000);
        assertEquals(6, due.size());
        Map<Long, CallbackQueue.Entry> byId = new LinkedHashMap<>();
        due.forEach(e -> byId.put(e.msgId(), e));

        queue.retry(byId.get(2L), OWNER, 1, 30_000, "HTTP 500");
        queue.retry(byId.get(3L), OWNER, 2, 20_000, "HttpConnectTimeoutException: timed out");
        queue.dead(byId.get(4L), OWNER, 8, "HTTP 502", 5_000);
        queue.dead(byId.get(5L), OWNER, 8, "ConnectException: refused", 7_000);
        queue.delivered(byId.get(9L), OWNER, 3_000);
        queue.release(OWNER);

        CallbackReport report = reports.of(APP);
        assertEquals(new PushHealth(3, 0, 2, 0), report.counts());
        assertEquals(2, report.retrying(), "the untouched one is not retrying");
        assertEquals(new CallbackReport.Failure(20_000, 2, "HttpConnectTimeoutException: timed out"), report.nextRetry());
        assertEquals(new CallbackReport.Failure(7_000, 8, "ConnectException: refused"), report.latestDead());

        CallbackReport other = reports.of(OTHER);
        assertEquals(1, other.counts().delivered());
        assertEquals(0, other.retrying());
        assertNull(other.nextRetry());
        assertNull(other.latestDead());
    }

    /** A dead count outlives the dead letters (pruned after 7 days): the counts stay, no failure is shown. */
    @AllDatabases
    void deadLettersPrunedLeaveTheirCount(TestDatabase db) {
        CallbackQueue queue = new CallbackQueue(db);
        queue.enqueue(APP, Map.of(1L, "bob"), 100, 1_000);
        CallbackQueue.Entry entry = queue.claim(queue.due(2_000, 10, Set.of()), OWNER, 2_000, 60_000).get(0);
        queue.dead(entry, OWNER, 8, "HTTP 404", 3_000);
        queue.prune(0, 4_000);

        assertEquals(new CallbackReport(new PushHealth(0, 0, 1, 0), 0, null, null), new CallbackReports(db, queue::health).of(APP));
    }
}
