package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.archive.MessageIds;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppUser;
import io.imcloud.unread.ChatType;
import io.imcloud.unread.Conversation;
import io.imcloud.unread.ConversationList;
import io.imcloud.unread.ConversationPage;
import io.imcloud.unread.UnreadCounters;
import io.imcloud.unread.UnreadSummary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A user's conversations: one page of history with a peer (newest first, the SDK's
 * {@code loadNumbersOfMessages:before:}), the conversation list and unread counters (both with the user's groups,
 * {@code chat_type: groupchat}, the peer being the group id), and read marks.
 * Every route takes an app token or the user's own token.
 */
final class ConversationRoutes implements RouteGroup {

    private static final Logger Log = LoggerFactory.getLogger(ConversationRoutes.class);

    /** Default and largest page of history. */
    static final int DEFAULT_HISTORY_LIMIT = 20;
    static final int MAX_HISTORY_LIMIT = 100;
    /** Default page of the conversation list (the largest is {@link ConversationList#MAX_LIMIT}). */
    static final int DEFAULT_CONVERSATION_LIMIT = 20;
    /**
     * How long a read mark may wait for the archive writer before the request gives up with 503. The
     * mark stays queued then and may still apply; marking read again is harmless.
     */
    static final long READ_TIMEOUT_MILLIS = 5_000;
    /** Longest {@code msg_id} of a read mark: archive ids and client message ids alike. */
    static final int MAX_READ_ID_CHARS = 128;

    private final Archive archive;
    private final ConversationList conversations;
    private final UnreadCounters unread;
    private final MediaBodies media;

    ConversationRoutes(Archive archive, ConversationList conversations, UnreadCounters unread, MediaBodies media) {
        this.archive = archive;
        this.conversations = conversations;
        this.unread = unread;
        this.media = media;
    }

    @Override
    public void register(Router router) {
        router.get("/{org}/{app}/users/{username}/conversations", this::list);
        router.get("/{org}/{app}/users/{username}/conversations/{peer}/messages", this::history);
        router.post("/{org}/{app}/users/{username}/conversations/{peer}/read", this::read);
        router.get("/{org}/{app}/users/{username}/unread", this::unread);
    }

    /**
     * Up to {@code limit} messages before {@code before} (an archive id, or a millisecond timestamp),
     * newest first. {@code cursor} is the {@code before} of the next page; absent on the last page.
     */
    private void history(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        String peer = peer(ex);
        int limit = ex.intQuery("limit", DEFAULT_HISTORY_LIMIT, 1, MAX_HISTORY_LIMIT);
        long before = before(owner, peer, ex.query("before"));
        replyPage(ex, archive.history(owner, peer, before, limit + 1), limit,
                page -> MessageJson.of(ex, page.stream().map(MessageJson.Source::chat).toList(), media), ArchivedMessage::msgId);
    }

    /**
     * Replies with a history page: the first {@code limit} of {@code fetched} (which holds one more when another page
     * follows), newest first, with the {@code cursor} of the next page when there is one. {@code toJson} makes the
     * page's message objects, in its order, all at once (the files their texts link are read together).
     */
    static <M> void replyPage(RestExchange ex, List<M> fetched, int limit, Function<List<M>, List<ObjectNode>> toJson,
                              ToLongFunction<M> idOf) throws IOException {
        boolean more = fetched.size() > limit;
        List<M> page = more ? fetched.subList(0, limit) : fetched;
        ArrayNode entities = ex.array();
        entities.addAll(toJson.apply(page));
        ObjectNode envelope = ex.envelope("get");
        envelope.set("entities", entities);
        envelope.put("count", page.size());
        if (more) {
            envelope.put("cursor", Long.toString(idOf.applyAsLong(page.get(page.size() - 1))));
        }
        ex.reply(envelope);
    }

    /**
     * The upper bound of a history page. A timestamp is a bound of its own; a msg_id must name a message of
     * this conversation, else 404 {@code service_resource_not_found} (the resource the cursor names is not there,
     * as for {@code offline_msg_status} of an unknown msg_id), while a value that is neither a number nor an id
     * is a malformed request: 400 {@code illegal_argument}.
     */
    private long before(AppUser owner, String peer, String raw) {
        return bound(raw, id -> archive.findOwn(owner, id).filter(m -> m.between(owner.username(), peer)).isPresent(),
                () -> ApiException.notFound(ErrorText.CONVERSATION_MESSAGE_NOT_FOUND, raw, owner.username(), peer));
    }

    /**
     * The upper bound of a history page that {@code raw} names: none when absent, a timestamp as it is, an archive id
     * only when {@code known} (else {@code notFound}); anything else is 400 {@code illegal_argument}.
     */
    static long bound(String raw, LongPredicate known, Supplier<ApiException> notFound) {
        if (raw == null || raw.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long value = MessageIds.parse(raw);
        if (value < 0) {
            throw ApiException.illegalArgument(ErrorText.BEFORE_INVALID);
        }
        if (MessageIds.isArchiveId(value) && !known.test(value)) {
            throw notFound.get();
        }
        return MessageIds.cursorOf(value);
    }

    private void list(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        int limit = ex.intQuery("limit", DEFAULT_CONVERSATION_LIMIT, 1, ConversationList.MAX_LIMIT);
        ConversationPage page;
        try {
            archive.awaitQueued(); // a message just sent is listed
            page = conversations.list(owner, ex.query("cursor"), limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.illegalArgument(ErrorText.INVALID_CURSOR);
        }
        ArrayNode entities = ex.array();
        List<ObjectNode> lastMessages = MessageJson.of(ex, page.conversations().stream()
                .map(c -> c.chatType() == ChatType.GROUPCHAT ? MessageJson.Source.group(c.lastGroupMessage())
                        : MessageJson.Source.chat(c.lastMessage()))
                .toList(), media);
        for (int i = 0; i < page.conversations().size(); i++) {
            Conversation c = page.conversations().get(i);
            ObjectNode o = entities.addObject();
            o.put("peer", c.peer());
            o.put("chat_type", c.chatType().label());
            o.put("unread_num", c.unreadNum());
            o.set("last_message", lastMessages.get(i));
            o.put("timestamp", c.timestamp());
        }
        ObjectNode envelope = ex.envelope("get");
        envelope.set("entities", entities);
        envelope.put("count", page.conversations().size());
        if (page.cursor() != null) {
            envelope.put("cursor", page.cursor());
        }
        ex.reply(envelope);
    }

    /**
     * Marks the conversation read: all of it, or up to {@code msg_id} of the optional body (an archive
     * id or the sender's client message id). 404 when {@code msg_id} names no message from the peer in
     * this conversation (nothing changes); 503 when the archive cannot take the mark in time.
     */
    private void read(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        String peer = peer(ex);
        String upTo = readUpTo(ex);
        int left = awaitRead(archive.markRead(owner, peer, upTo), owner + " with " + peer + " up to " + upTo);
        if (left < 0) {
            throw ApiException.notFound(ErrorText.CONVERSATION_MESSAGE_NOT_FOUND, upTo, owner.username(), peer);
        }
        ObjectNode envelope = ex.envelope("post");
        envelope.putObject("data").put("peer", peer).put("unread_num", left);
        ex.reply(envelope);
    }

    /**
     * The {@code msg_id} of the optional body {@code {"msg_id": "..."}}, or null for "everything". A
     * request with neither {@code Content-Length} nor {@code Transfer-Encoding} has no body (RFC 9112
     * 6.3), as {@code curl -X POST} sends it.
     */
    static String readUpTo(RestExchange ex) throws IOException {
        long length = ex.request().getContentLengthLong();
        if (length == 0 || (length < 0 && ex.request().getHeader("Transfer-Encoding") == null)) {
            return null;
        }
        JsonNode body = ex.jsonBody();
        if (!body.isObject()) {
            throw ApiException.illegalArgument(ErrorText.BODY_MUST_BE_OR_EMPTY, "{\"msg_id\": \"...\"}");
        }
        JsonNode id = body.get("msg_id");
        if (id == null || id.isNull()) {
            return null;
        }
        String text = id.isIntegralNumber() ? id.asText() : RestExchange.text(body, "msg_id");
        if (text.isEmpty() || text.length() > MAX_READ_ID_CHARS) {
            throw ApiException.illegalArgument(ErrorText.MSG_ID_LENGTH, MAX_READ_ID_CHARS);
        }
        return text;
    }

    /**
     * The unread count a read mark leaves, waiting at most {@value #READ_TIMEOUT_MILLIS} ms for the archive writer;
     * 503 when it takes longer or fails ({@code what} names the mark in the log).
     */
    static int awaitRead(CompletableFuture<Integer> mark, String what) {
        try {
            return mark.get(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiException.unavailable(ErrorText.READ_MARK_BUSY);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RejectedExecutionException) {
                // the archive writer reports its full queue itself, at most once a while
                Log.debug("Read mark of {} refused: the archive queue is full", what);
            } else {
                Log.warn("Read mark of {} failed", what, e.getCause());
            }
            throw ApiException.unavailable(ErrorText.READ_MARK_FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable(ErrorText.ARCHIVE_INTERRUPTED);
        }
    }

    private void unread(RestExchange ex) throws IOException {
        AppUser owner = ex.owner();
        archive.awaitQueued(); // a message just sent is counted
        UnreadSummary summary = unread.unread(owner);
        ObjectNode envelope = ex.envelope("get");
        ObjectNode data = envelope.putObject("data");
        data.put("total", summary.total());
        ArrayNode list = data.putArray("conversations");
        summary.conversations().forEach(c -> list.addObject().put("peer", c.peer()).put("chat_type", c.chatType().label())
                .put("unread_num", c.unreadNum()));
        ex.reply(envelope);
    }

    /** The peer of the path, a valid username (it need not exist: a deleted peer's history stays readable). */
    private static String peer(RestExchange ex) {
        return RestExchange.username(ex.pathParam("peer"), "peer");
    }
}
