package io.imcloud.rest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings from plugin.imcloud.* properties: values, defaults, and refusal of values that would lift a limit. */
class RestSettingsTest {

    @Test
    void unsetPropertiesGiveTheDefaults() {
        assertEquals(RestSettings.defaults(), RestSettings.fromProperties(name -> null));
    }

    @Test
    void readsEveryProperty() {
        Map<String, String> p = Map.of(RestSettings.MAX_BODY_BYTES, "2048", RestSettings.TOKEN_DEFAULT_TTL, "600",
                RestSettings.TOKEN_MAX_TTL, "7200", RestSettings.REGISTRATION_PER_SECOND, "2.5",
                RestSettings.REGISTRATION_BURST, "7", RestSettings.OPEN_REGISTRATION_PER_IP_PER_SECOND, "0.5",
                RestSettings.OPEN_REGISTRATION_PER_IP_BURST, "3", RestSettings.MANAGEMENT_ALLOW_REMOTE, "true");
        assertEquals(new RestSettings(2048, 600, 7200, 2.5, 7, 0.5, 3, true), RestSettings.fromProperties(p::get));
        assertTrue(RestSettings.PROPERTY_NAMES.containsAll(p.keySet()));
    }

    @Test
    void badValuesFallBackToSafeDefaults() {
        Map<String, String> p = Map.of(RestSettings.MAX_BODY_BYTES, "-1", RestSettings.TOKEN_DEFAULT_TTL, "9999999",
                RestSettings.TOKEN_MAX_TTL, "3600", RestSettings.REGISTRATION_PER_SECOND, "NaN",
                RestSettings.REGISTRATION_BURST, "0", RestSettings.OPEN_REGISTRATION_PER_IP_PER_SECOND, "-3",
                RestSettings.OPEN_REGISTRATION_PER_IP_BURST, "lots", RestSettings.MANAGEMENT_ALLOW_REMOTE, "yes");
        RestSettings d = RestSettings.defaults();
        assertEquals(new RestSettings(d.maxBodyBytes(), 3600, 3600, d.registrationPerSecond(), d.registrationBurst(),
                d.openRegistrationPerIpPerSecond(), d.openRegistrationPerIpBurst(), false), RestSettings.fromProperties(p::get));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(100, 600, 3600, 1, 1, 1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(2048, 7200, 3600, 1, 1, 1, 1, false));
    }
}
