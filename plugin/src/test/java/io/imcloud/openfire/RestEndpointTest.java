package io.imcloud.openfire;

import io.imcloud.rest.RestSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The REST layer's settings as read from plugin.imcloud.* properties. */
class RestEndpointTest {

    @Test
    void unsetPropertiesGiveTheRestLayersDefaults() {
        assertEquals(RestSettings.defaults(), RestEndpoint.restSettings(new ImcloudSettings(name -> null)));
    }

    @Test
    void readsEveryPropertyAndCutsTheDefaultLifetimeToTheMaximum() {
        Map<String, String> p = Map.of(
                "plugin.imcloud.rest.max_body_bytes", "2048",
                "plugin.imcloud.token.default_ttl_seconds", "9000",
                "plugin.imcloud.token.max_ttl_seconds", "7200",
                "plugin.imcloud.registration.per_second", "3",
                "plugin.imcloud.registration.burst", "7",
                "plugin.imcloud.registration.open_per_ip_per_minute", "30",
                "plugin.imcloud.registration.open_per_ip_burst", "2",
                "plugin.imcloud.management.allow_remote", "true");
        assertEquals(new RestSettings(2048, 7200, 7200, 3, 7, 0.5, 2, true, java.util.Set.of(), io.imcloud.rest.CorsOrigins.NONE),
                RestEndpoint.restSettings(new ImcloudSettings(p::get)));
    }
}
