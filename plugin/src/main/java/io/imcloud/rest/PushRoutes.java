package io.imcloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.i18n.ErrorText;
import io.imcloud.push.DeviceBinding;
import io.imcloud.push.PushBindings;
import io.imcloud.tenancy.AppUser;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Easemob's push binding of a user's devices, with an app token or the user's own token:
 * {@code PUT /{org}/{app}/users/{u}/push/binding} {@code {device_id, device_token, notifier_name}} binds a device (an
 * empty {@code device_token} unbinds it: the SDK's logout with unbind) and answers the binding in {@code entities} (none
 * after an unbind); {@code GET} on the same path lists the user's bound devices. Bounds: see {@link PushBindings}.
 */
public final class PushRoutes implements RouteGroup {

    private final PushBindings bindings;

    /** The push routes over {@code bindings}. */
    public PushRoutes(PushBindings bindings) {
        this.bindings = bindings;
    }

    @Override
    public void register(Router router) {
        router.put("/{org}/{app}/users/{username}/push/binding", this::bind);
        router.get("/{org}/{app}/users/{username}/push/binding", this::list);
    }

    private void bind(RestExchange ex) throws IOException {
        AppUser user = ex.owner();
        JsonNode body = ex.jsonObjectBody();
        String deviceId = RestExchange.text(body, "device_id");
        String deviceToken = RestExchange.text(body, "device_token");
        if (deviceId == null || deviceToken == null) {
            throw ApiException.illegalArgument(ErrorText.PUSH_BINDING_BODY,
                    "{\"device_id\": \"...\", \"device_token\": \"...\", \"notifier_name\": \"...\"}");
        }
        // a binding refused (BindingException) is answered 400 by the servlet
        Optional<DeviceBinding> bound = bindings.bind(user, deviceId, deviceToken, RestExchange.text(body, "notifier_name"));
        reply(ex, "put", bound.map(List::of).orElse(List.of()));
    }

    private void list(RestExchange ex) throws IOException {
        AppUser user = ex.owner();
        reply(ex, "get", bindings.list(user));
    }

    private static void reply(RestExchange ex, String action, List<DeviceBinding> devices) throws IOException {
        ArrayNode entities = ex.array();
        for (DeviceBinding d : devices) {
            entities.addObject().put("device_id", d.deviceId()).put("device_token", d.deviceToken())
                    .put("notifier_name", d.notifierName());
        }
        ObjectNode envelope = ex.envelope(action);
        envelope.set("entities", entities);
        envelope.put("count", entities.size());
        ex.reply(envelope);
    }
}
