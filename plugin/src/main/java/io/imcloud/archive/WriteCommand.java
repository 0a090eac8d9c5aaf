package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppUser;

import java.util.concurrent.CompletableFuture;

/** One entry of the archive writer's queue, applied in queue order by {@link ArchiveWriter}. */
sealed interface WriteCommand {

    /** Archive a message. {@code queuedNanos} is when it was queued, for the loss-window statistics. */
    record Append(ArchivedMessage message, long queuedNanos) implements WriteCommand {
        /** The same append, its message in delivery state {@code state}. */
        Append withState(DeliveryState state) {
            return new Append(message.withState(state), queuedNanos);
        }
    }

    /** Change the delivery state of an archived message. */
    record StateChange(AppKey appKey, long msgId, DeliveryState state) implements WriteCommand {
    }

    /** Mark a conversation read; {@code result} gets the unread count left, or -1 for an unknown {@code upTo}. */
    record MarkRead(AppUser owner, String peer, String upTo, CompletableFuture<Integer> result) implements WriteCommand {
    }

    /** Archive a group message (numbered in its group's sequence when committed). */
    record GroupAppend(GroupMessage message, long queuedNanos) implements WriteCommand {
    }

    /**
     * Move a member's read mark in a group; {@code result} gets the member's unread count left, or -1 when
     * {@code upTo} names no message of the group or the owner is no member.
     */
    record GroupMarkRead(AppUser owner, long groupId, String upTo, CompletableFuture<Integer> result) implements WriteCommand {
    }
}
