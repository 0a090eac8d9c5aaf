package io.imcloud.xmpp;

import io.imcloud.tenancy.AppUser;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages clients sent a moment ago, by their own ids, so that one a client sends again is known: a client whose
 * stream-management session could not be resumed (XEP-0198) sends its unacknowledged messages again, with their ids,
 * and so do SDKs that retry on a timeout. A message of the same sender, receiver, client id and body within
 * {@link #WINDOW_MILLIS} is that message again, and keeps its archive id instead of being archived and counted twice.
 * <p>
 * Two generations of maps, the older dropped as a whole: no per-entry bookkeeping on the message path, and at most
 * {@value #MAX_PER_GENERATION} entries in each (some 10 MB), so that under a heavy load the window shrinks to what
 * that many messages take, still far longer than a client takes to reconnect. Only this cluster node's messages are
 * known: a client that comes back through another node is not recognised.
 */
final class ClientResends {

    /** How long a message is remembered at least. */
    static final long WINDOW_MILLIS = 5 * 60_000;
    private static final int MAX_PER_GENERATION = 50_000;

    /** The body is known by its length and hash only: the maps must stay small whatever the messages hold. */
    private record Sent(long archiveId, int bodyLength, int bodyHash) {
    }

    /** A record, not a joined string: no text is built for every message on its way. */
    private record Key(AppUser sender, String receiver, String clientId) {
    }

    private volatile Map<Key, Sent> current = new ConcurrentHashMap<>();
    private volatile Map<Key, Sent> previous = Map.of();
    private volatile long currentSince = System.currentTimeMillis();

    /** The archive id under which {@code sender} sent this very message to {@code receiver} a moment ago, or -1. */
    long archiveIdOf(AppUser sender, AppUser receiver, String clientId, String body) {
        Key key = new Key(sender, receiver.username(), clientId);
        Sent sent = current.get(key);
        if (sent == null) {
            sent = previous.get(key);
        }
        return sent != null && sent.bodyLength() == body.length() && sent.bodyHash() == body.hashCode() ? sent.archiveId() : -1;
    }

    /** Remembers that {@code sender} sent message {@code clientId} with {@code body} to {@code receiver}, archived as {@code archiveId}. */
    void sent(AppUser sender, AppUser receiver, String clientId, String body, long archiveId) {
        long now = System.currentTimeMillis();
        Map<Key, Sent> map = current;
        if (now - currentSince > WINDOW_MILLIS || map.size() >= MAX_PER_GENERATION) {
            synchronized (this) {
                if (map == current) {
                    previous = map;
                    current = new ConcurrentHashMap<>();
                    currentSince = now;
                }
            }
            map = current;
        }
        map.put(new Key(sender, receiver.username(), clientId), new Sent(archiveId, body.length(), body.hashCode()));
    }
}
