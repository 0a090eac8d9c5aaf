package io.imcloud.rest;

import io.imcloud.archive.Archive;
import io.imcloud.archive.MessageDelivery;
import io.imcloud.attachments.Attachments;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.UnreadCounters;

import java.util.List;

/**
 * The route groups over the message archive: offline counts and states, history, conversation list,
 * read marks, unread counters and server-side sends. Register them next to {@link CoreRoutes#all}.
 */
public final class ArchiveRoutes {

    private ArchiveRoutes() {
    }

    /**
     * The archive route groups.
     *
     * @param archive       the message archive (the plugin's {@code SqlArchive})
     * @param conversations the conversation list over the same database
     * @param unread        the unread counters over the same database
     * @param delivery      routes server-side sends ({@code io.imcloud.xmpp.XmppMessageDelivery})
     * @param attachments   the files that voice, image and file messages point at
     * @param urls          where those files are served
     */
    public static List<RouteGroup> all(Archive archive, ConversationList conversations, UnreadCounters unread,
                                       MessageDelivery delivery, Attachments attachments, FileUrls urls) {
        MediaBodies media = new MediaBodies(attachments, urls);
        return List.of(new OfflineRoutes(archive), new ConversationRoutes(archive, conversations, unread, media),
                new SendRoutes(archive, delivery, media));
    }
}
