package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The archive of chat groups as the XMPP and REST adapters see it: one copy of each message per group, written through
 * the archive's group-commit queue (in order with 1:1 messages), read straight from the database. Each committed message
 * takes the next number of its group's sequence; a member's unread count is the sequence above their read mark, less
 * their own messages there.
 */
public interface GroupArchive {

    /** A fresh archive id, to stamp on the stanza before it is broadcast. */
    long nextId();

    /**
     * Queues a group message for the next group commit; never blocks. False when the queue is full. A message of a group
     * deleted before the commit is dropped.
     */
    boolean appendGroup(GroupMessage message);

    /**
     * Marks group {@code groupId} read for its member {@code member}: everything when {@code upTo} is null, else up to
     * and including the message {@code upTo} names (an archive id, or another member's client message id). Completes
     * with the member's unread count left, or -1 when {@code upTo} names no message of the group or {@code member} is no
     * member (nothing changes then). On a cluster, a mark by a message of the last seconds that another node has not
     * committed yet completes once that node commits it.
     */
    CompletableFuture<Integer> markGroupRead(AppUser member, long groupId, String upTo);

    /**
     * Message {@code msgId} of the group, including one this node has queued but not yet committed (a client may page
     * from a stanza-id it got a moment ago); empty for any other id.
     */
    Optional<GroupMessage> findGroupMessage(AppKey appKey, long groupId, long msgId);

    /** The group's messages with an id below {@code beforeId}, newest first, at most {@code limit}. */
    List<GroupMessage> groupHistory(AppKey appKey, long groupId, long beforeId, int limit);

    /**
     * One XEP-0313 page of the group's archive: {@code query}'s time range and paging apply, its owner's app scopes the
     * group (the owner is the member asking) and its {@code with} is ignored.
     */
    GroupHistoryPage groupQuery(long groupId, ArchiveQuery query);

    /** How many messages of the group lie in {@code query}'s time range, its paging ignored (XEP-0059 {@code <count/>}). */
    long groupCount(long groupId, ArchiveQuery query);
}
