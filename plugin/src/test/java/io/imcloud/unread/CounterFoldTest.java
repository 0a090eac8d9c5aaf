package io.imcloud.unread;

import io.imcloud.archive.ArchiveFixtures;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.archive.SqlArchive;
import io.imcloud.tenancy.AppUser;
import io.imcloud.testsupport.AllDatabases;
import io.imcloud.testsupport.TestDatabase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.assertCountersConsistent;
import static io.imcloud.archive.ArchiveFixtures.send;
import static io.imcloud.archive.ArchiveFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The readers give the same counts and conversation order whatever part of the archive is folded: random
 * sends, mark-reads (all, up to an archive id, up to a client id) and folds, checked after every step
 * against a model kept here from the messages and read marks alone, with each conversation's last message and its
 * time.
 */
class CounterFoldTest {

    private static final int USERS = 5;

    /** What the counters must say: every message, and each owner's read mark per peer. */
    private static final class Model {
        final List<ArchivedMessage> messages = new ArrayList<>();
        final Map<String, Long> marks = new HashMap<>();

        int unread(String owner, String peer) {
            long mark = marks.getOrDefault(owner + "/" + peer, 0L);
            return (int) messages.stream().filter(m -> m.receiver().equals(owner) && m.sender().equals(peer)
                    && !peer.equals(owner) && m.msgId() > mark).count();
        }

        /** The owner's peers, most recent conversation first, with their unread counts. */
        Map<String, Integer> conversations(String owner) {
            Map<String, Long> last = new HashMap<>();
            for (ArchivedMessage m : messages) {
                String peer = m.sender().equals(owner) ? m.receiver() : m.receiver().equals(owner) ? m.sender() : null;
                if (peer != null) {
                    last.merge(peer, m.msgId(), Math::max);
                }
            }
            Map<String, Integer> ordered = new LinkedHashMap<>();
            last.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .forEach(e -> ordered.put(e.getKey(), unread(owner, e.getKey())));
            return ordered;
        }

        long lastIdBetween(String one, String other) {
            ArchivedMessage last = lastBetween(one, other);
            return last == null ? 0 : last.msgId();
        }

        ArchivedMessage lastBetween(String one, String other) {
            return messages.stream().filter(m -> (m.sender().equals(one) && m.receiver().equals(other))
                    || (m.sender().equals(other) && m.receiver().equals(one)))
                    .max(Comparator.comparingLong(ArchivedMessage::msgId)).orElse(null);
        }
    }

    @AllDatabases
    void readersAgreeWithTheArchiveWhateverIsFolded(TestDatabase db) throws Exception {
        Random random = new Random(7);
        Model model = new Model();
        UnreadCounters counters = new UnreadCounters(db);
        ConversationList list = new ConversationList(db);
        int folds = 0;
        try (SqlArchive archive = new SqlArchive(db, new MessageIds(1), settings(1000, 4))) {
            for (int step = 0; step < 300; step++) {
                String from = "u" + random.nextInt(USERS);
                String to = "u" + random.nextInt(USERS);
                int op = random.nextInt(10);
                if (op < 6) {
                    model.messages.add(send(archive, APP, from, to, "c" + step));
                } else if (op == 6) {
                    archive.markRead(AppUser.of(APP, to), from, null).get();
                    model.marks.merge(to + "/" + from, model.lastIdBetween(to, from), Math::max);
                } else if (op == 7) {
                    ArchivedMessage target = pickFrom(model, random, from, to);
                    if (target != null) {
                        String upTo = random.nextBoolean() ? Long.toString(target.msgId()) : target.clientMsgId();
                        archive.markRead(AppUser.of(APP, to), from, upTo).get();
                        model.marks.merge(to + "/" + from, target.msgId(), Math::max);
                    }
                } else {
                    archive.flush();
                    archive.foldCounters();
                    folds++;
                }
                archive.flush();
                for (int u = 0; u < USERS; u++) {
                    assertOwnerMatches(model, counters, list, "u" + u, "step " + step);
                }
            }
            assertCountersConsistent(db);
        }
        assertEquals(true, folds > 20, "folded " + folds + " times between the other steps");
    }

    private static ArchivedMessage pickFrom(Model model, Random random, String from, String to) {
        List<ArchivedMessage> candidates = model.messages.stream()
                .filter(m -> m.sender().equals(from) && m.receiver().equals(to)).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private static void assertOwnerMatches(Model model, UnreadCounters counters, ConversationList list, String owner, String when) {
        AppUser user = AppUser.of(APP, owner);
        Map<String, Integer> expected = model.conversations(owner);
        Map<String, Integer> listed = new LinkedHashMap<>();
        for (Conversation c : list.list(user, null, 100).conversations()) {
            listed.put(c.peer(), c.unreadNum());
            ArchivedMessage last = model.lastBetween(owner, c.peer());
            assertEquals(last, c.lastMessage(), "last message of " + owner + " with " + c.peer() + " at " + when);
            assertEquals(last.sentAt(), c.timestamp(), "time of " + owner + " with " + c.peer() + " at " + when);
        }
        assertEquals(expected, listed, "conversation list of " + owner + " at " + when);
        Map<String, Integer> unread = new LinkedHashMap<>();
        expected.forEach((peer, n) -> {
            if (n > 0) {
                unread.put(peer, n);
            }
        });
        UnreadSummary summary = counters.unread(user);
        Map<String, Integer> summarized = new LinkedHashMap<>();
        summary.conversations().forEach(c -> summarized.put(c.peer(), c.unreadNum()));
        assertEquals(unread, summarized, "unread of " + owner + " at " + when);
        assertEquals(unread.values().stream().mapToLong(Integer::longValue).sum(), summary.total(), "total of " + owner);
        for (String peer : expected.keySet()) {
            assertEquals(model.unread(owner, peer), counters.unread(user, peer), owner + " with " + peer + " at " + when);
        }
    }
}
