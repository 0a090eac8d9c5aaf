package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The message archive as the XMPP and REST adapters see it. Writes go through one group-commit
 * queue (in order); reads go to the database once what this node queued before them is committed ({@link #awaitQueued}).
 */
public interface Archive {

    /** A fresh archive id, to stamp on the stanza before it is routed. */
    long nextId();

    /**
     * Queues a message for the next group commit; never blocks. False when the queue is full
     * (database down for too long): the caller must refuse the message rather than lose it.
     */
    boolean append(ArchivedMessage message);

    /**
     * Queues a delivery-state change. States only move forward: the message ends in the furthest state reported for it,
     * whether the change is committed before or after the message (by this node's writer or another node's).
     */
    void markState(AppKey appKey, long msgId, DeliveryState state);

    /**
     * Marks the conversation of {@code owner} with {@code peer} read: everything when {@code upTo}
     * is null, else every message from the peer up to and including the one {@code upTo} names
     * (an archive id, or the sender's client message id). Completes with the unread count left, or
     * with -1 when {@code upTo} names no message of that conversation (nothing changes then).
     */
    CompletableFuture<Integer> markRead(AppUser owner, String peer, String upTo);

    /** Commits everything queued so far; returns when it is in the database. */
    void flush();

    /**
     * Waits, a moment at most, until what this node queued before the call is committed, so that a read that follows
     * shows it: a message sent (over XMPP or REST) and then listed, counted or paged at once. Returns at once when
     * nothing waits; while the database is known to be down, as soon as one probe of it (asked for by this call) finds
     * it still down; after the moment (a queue far behind) the read shows what is committed. The archive's own reads call it; a reader of the counters and conversation list
     * calls it first.
     */
    void awaitQueued();

    /** One message of the app by archive id. */
    Optional<ArchivedMessage> find(AppKey appKey, long msgId);

    /**
     * Message {@code msgId} when it is in {@code owner}'s own archive (they sent or received it), including
     * one this node has queued but not yet committed; empty for any other id. A paging bound a client
     * names must pass this check: an id that is no message of theirs is refused, not used as a bound.
     */
    Optional<ArchivedMessage> findOwn(AppUser owner, long msgId);

    /**
     * The conversation of {@code owner} with {@code peer}, newest first: up to {@code limit} messages
     * with an archive id below {@code beforeId} (Long.MAX_VALUE for the newest page).
     */
    List<ArchivedMessage> history(AppUser owner, String peer, long beforeId, int limit);

    /** One page of a user's own archive (XEP-0313). */
    ArchivePage query(ArchiveQuery query);

    /**
     * How many messages the whole result set of {@code query} holds: its owner, peer and time range, ignoring
     * its paging ({@code afterId}, {@code beforeId}, {@code lastPage}, {@code max}); the XEP-0059 {@code <count/>}.
     */
    long count(ArchiveQuery query);

    /** How many messages to {@code user} wait in offline storage. */
    long offlineCount(AppUser user);

    /**
     * The delivery state of message {@code msgId} if it is addressed to {@code receiver} (REST
     * {@code offline_msg_status}); empty for an unknown id or a message to anyone else. Like
     * {@link #findOwn}, it finds a message this node still holds in its write queue: a receiver may ask
     * about an id it got a moment ago.
     */
    default Optional<DeliveryState> deliveryState(AppUser receiver, long msgId) {
        return findOwn(receiver, msgId)
                .filter(m -> m.receiver().equals(receiver.username()))
                .map(ArchivedMessage::state);
    }
}
