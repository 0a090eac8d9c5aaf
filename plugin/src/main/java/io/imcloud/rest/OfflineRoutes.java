package io.imcloud.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.archive.Archive;
import io.imcloud.archive.DeliveryState;
import io.imcloud.archive.MessageIds;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;

/**
 * Easemob's offline message API: how many messages wait offline for a user, and whether one message
 * reached the user ({@code delivered}) or not yet ({@code undelivered}: pending or stored offline).
 */
final class OfflineRoutes implements RouteGroup {

    private final Archive archive;

    OfflineRoutes(Archive archive) {
        this.archive = archive;
    }

    @Override
    public void register(Router router) {
        router.get("/{org}/{app}/users/{username}/offline_msg_count", this::count);
        router.get("/{org}/{app}/users/{username}/offline_msg_status/{msgId}", this::status);
    }

    private void count(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser user = ex.owner();
        ObjectNode envelope = ex.envelope("get");
        envelope.putObject("data").put(user.username(), archive.offlineCount(user));
        ex.reply(envelope);
    }

    /** 404 for an id that is no number, unknown, of another app or not addressed to the user alike. */
    private void status(RestExchange ex) throws IOException {
        ex.requireApp();
        AppUser user = ex.owner();
        long msgId = MessageIds.parse(ex.pathParam("msgId"));
        DeliveryState state = msgId < 0 ? null : archive.deliveryState(user, msgId).orElse(null);
        if (state == null) {
            throw ApiException.notFound(ErrorText.OFFLINE_MESSAGE_NOT_FOUND, ex.pathParam("msgId"), user.username());
        }
        ObjectNode envelope = ex.envelope("get");
        envelope.putObject("data").put(Long.toString(msgId), state == DeliveryState.DELIVERED ? "delivered" : "undelivered");
        ex.reply(envelope);
    }

}
