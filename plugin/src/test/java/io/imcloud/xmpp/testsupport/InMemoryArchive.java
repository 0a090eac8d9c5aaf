package io.imcloud.xmpp.testsupport;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivePage;
import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link Archive} in memory with the documented semantics, for the xmpp tests until the SQL
 * archive is merged: writes (append, markState, markRead) wait in a bounded queue, in order, until
 * {@link #flush()} applies them, like a group commit; reads see only what was flushed.
 */
public final class InMemoryArchive implements Archive {

    private final MessageIds ids = new MessageIds(0);
    private final int capacity;
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private final TreeMap<Long, ArchivedMessage> messages = new TreeMap<>();
    /** Per app, owner and peer: the highest archive id of the peer's messages that the owner has read. */
    private final Map<String, Long> readUpTo = new HashMap<>();

    /** An archive whose queue holds at most {@code capacity} pending appends. */
    public InMemoryArchive(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public long nextId() {
        return ids.next();
    }

    @Override
    public synchronized boolean append(ArchivedMessage message) {
        if (pending.size() >= capacity) {
            return false;
        }
        pending.add(() -> messages.put(message.msgId(), message));
        return true;
    }

    @Override
    public synchronized void markState(AppKey appKey, long msgId, DeliveryState state) {
        pending.add(() -> {
            ArchivedMessage m = messages.get(msgId);
            if (m != null && m.appKey().equals(appKey)) {
                messages.put(msgId, m.withState(state));
            }
        });
    }

    @Override
    public synchronized CompletableFuture<Integer> markRead(AppUser owner, String peer, String upTo) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        pending.add(() -> result.complete(applyRead(owner, peer, upTo)));
        return result;
    }

    @Override
    public synchronized void flush() {
        Runnable op;
        while ((op = pending.poll()) != null) {
            op.run();
        }
    }

    @Override
    public synchronized Optional<ArchivedMessage> find(AppKey appKey, long msgId) {
        return Optional.ofNullable(messages.get(msgId)).filter(m -> m.appKey().equals(appKey));
    }

    @Override
    public synchronized List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit) {
        List<ArchivedMessage> page = new ArrayList<>();
        for (ArchivedMessage m : messages.headMap(beforeId, false).descendingMap().values()) {
            if (page.size() >= limit) {
                break;
            }
            if (inConversation(m, owner, peer)) {
                page.add(m);
            }
        }
        return page;
    }

    @Override
    public synchronized ArchivePage query(ArchiveQuery q) {
        List<ArchivedMessage> matching = new ArrayList<>();
        for (ArchivedMessage m : messages.values()) {
            boolean own = m.appKey().equals(q.owner().appKey())
                    && (m.sender().equals(q.owner().username()) || m.receiver().equals(q.owner().username()));
            if (own && (q.with() == null || inConversation(m, q.owner(), q.with()))
                    && (q.startMillis() == null || m.sentAt() >= q.startMillis())
                    && (q.endMillis() == null || m.sentAt() <= q.endMillis())
                    && (q.afterId() == null || m.msgId() > q.afterId())
                    && (q.beforeId() == null || m.msgId() < q.beforeId())) {
                matching.add(m);
            }
        }
        matching.sort(Comparator.comparingLong(ArchivedMessage::msgId));
        boolean complete = matching.size() <= q.max();
        List<ArchivedMessage> page = q.fromNewest()
                ? matching.subList(Math.max(0, matching.size() - q.max()), matching.size())
                : matching.subList(0, Math.min(q.max(), matching.size()));
        return new ArchivePage(List.copyOf(page), complete);
    }

    @Override
    public synchronized long offlineCount(AppUser user) {
        return messages.values().stream()
                .filter(m -> m.appKey().equals(user.appKey()) && m.receiver().equals(user.username()))
                .filter(m -> m.state() == DeliveryState.OFFLINE)
                .count();
    }

    private int applyRead(AppUser owner, String peer, String upTo) {
        String key = owner.appKey() + "/" + owner.username() + "/" + peer;
        long mark;
        if (upTo == null) {
            mark = Long.MAX_VALUE;
        } else {
            Optional<ArchivedMessage> named = resolve(owner, peer, upTo);
            if (named.isEmpty()) {
                return -1;
            }
            mark = named.get().msgId();
        }
        long newMark = Math.max(mark, readUpTo.getOrDefault(key, Long.MIN_VALUE));
        readUpTo.put(key, newMark);
        return (int) messages.values().stream()
                .filter(m -> m.appKey().equals(owner.appKey()) && m.sender().equals(peer)
                        && m.receiver().equals(owner.username()) && m.msgId() > newMark)
                .count();
    }

    private Optional<ArchivedMessage> resolve(AppUser owner, String peer, String upTo) {
        List<ArchivedMessage> conversation = messages.values().stream()
                .filter(m -> inConversation(m, owner, peer)).toList();
        for (ArchivedMessage m : conversation) {
            if (Long.toString(m.msgId()).equals(upTo)) {
                return Optional.of(m);
            }
        }
        return conversation.stream().filter(m -> upTo.equals(m.clientMsgId())).findFirst();
    }

    private static boolean inConversation(ArchivedMessage m, AppUser owner, String peer) {
        return m.appKey().equals(owner.appKey())
                && ((m.sender().equals(owner.username()) && m.receiver().equals(peer))
                || (m.sender().equals(peer) && m.receiver().equals(owner.username())));
    }
}
