package io.imcloud.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** A settings snapshot refuses values that would lift a limit. */
class RestSettingsTest {

    @Test
    void refusesValuesThatWouldLiftALimit() {
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(100, 600, 3600, 1, 1, 1, 1, false, java.util.Set.of(), CorsOrigins.NONE));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(RestSettings.MAX_BODY_LIMIT + 1, 600, 3600, 1, 1, 1, 1, false, java.util.Set.of(), CorsOrigins.NONE));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(2048, 7200, 3600, 1, 1, 1, 1, false, java.util.Set.of(), CorsOrigins.NONE));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(2048, 600, 3600, 0, 1, 1, 1, false, java.util.Set.of(), CorsOrigins.NONE));
        assertThrows(IllegalArgumentException.class, () -> new RestSettings(2048, 600, 3600, 1, 1, 1, 0, false, java.util.Set.of(), CorsOrigins.NONE));
    }
}
