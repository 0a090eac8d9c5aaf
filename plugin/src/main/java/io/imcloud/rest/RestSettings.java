package io.imcloud.rest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * The REST layer's settings, one immutable snapshot. The servlet asks its {@code Supplier} for the
 * current snapshot on every request, so the Openfire side can replace it when a
 * {@code plugin.imcloud.*} property changes. Every value has a safe default ({@link #defaults()})
 * and is checked here so that a bad property cannot switch a limit off.
 *
 * @param maxBodyBytes                  largest request body accepted ({@code plugin.imcloud.rest.maxBodyBytes})
 * @param tokenDefaultTtlSeconds        lifetime of a token when the request names none ({@code plugin.imcloud.token.defaultTtlSeconds})
 * @param tokenMaxTtlSeconds            longest lifetime a request may ask for; longer is cut to this ({@code plugin.imcloud.token.maxTtlSeconds})
 * @param registrationPerSecond         users an app may register per second, sustained ({@code plugin.imcloud.registration.perSecond})
 * @param registrationBurst             users an app may register at once before the rate applies ({@code plugin.imcloud.registration.burst})
 * @param openRegistrationPerIpPerSecond users one remote address may register per second without a token ({@code plugin.imcloud.registration.openPerIpPerSecond})
 * @param openRegistrationPerIpBurst    burst of the same ({@code plugin.imcloud.registration.openPerIpBurst})
 * @param managementAllowRemote         whether {@code /management} answers callers other than loopback ({@code plugin.imcloud.management.allowRemote})
 */
public record RestSettings(int maxBodyBytes, long tokenDefaultTtlSeconds, long tokenMaxTtlSeconds,
                           double registrationPerSecond, int registrationBurst,
                           double openRegistrationPerIpPerSecond, int openRegistrationPerIpBurst,
                           boolean managementAllowRemote) {

    /** Upper bound of {@code maxBodyBytes}: the API takes JSON only, never uploads. */
    public static final int MAX_BODY_LIMIT = 16 * 1024 * 1024;

    public static final String MAX_BODY_BYTES = "plugin.imcloud.rest.maxBodyBytes";
    public static final String TOKEN_DEFAULT_TTL = "plugin.imcloud.token.defaultTtlSeconds";
    public static final String TOKEN_MAX_TTL = "plugin.imcloud.token.maxTtlSeconds";
    public static final String REGISTRATION_PER_SECOND = "plugin.imcloud.registration.perSecond";
    public static final String REGISTRATION_BURST = "plugin.imcloud.registration.burst";
    public static final String OPEN_REGISTRATION_PER_IP_PER_SECOND = "plugin.imcloud.registration.openPerIpPerSecond";
    public static final String OPEN_REGISTRATION_PER_IP_BURST = "plugin.imcloud.registration.openPerIpBurst";
    public static final String MANAGEMENT_ALLOW_REMOTE = "plugin.imcloud.management.allowRemote";

    /** Every property this record is read from, e.g. to filter property-change events. */
    public static final List<String> PROPERTY_NAMES = List.of(MAX_BODY_BYTES, TOKEN_DEFAULT_TTL, TOKEN_MAX_TTL,
            REGISTRATION_PER_SECOND, REGISTRATION_BURST, OPEN_REGISTRATION_PER_IP_PER_SECOND,
            OPEN_REGISTRATION_PER_IP_BURST, MANAGEMENT_ALLOW_REMOTE);

    private static final Logger Log = LoggerFactory.getLogger(RestSettings.class);

    public RestSettings {
        require(maxBodyBytes >= 1024 && maxBodyBytes <= MAX_BODY_LIMIT, "maxBodyBytes must be 1024.." + MAX_BODY_LIMIT);
        require(tokenMaxTtlSeconds >= 60, "tokenMaxTtlSeconds must be at least 60");
        require(tokenDefaultTtlSeconds >= 60 && tokenDefaultTtlSeconds <= tokenMaxTtlSeconds,
                "tokenDefaultTtlSeconds must be 60..tokenMaxTtlSeconds");
        require(registrationPerSecond > 0 && registrationBurst >= 1, "registration rate and burst must be positive");
        require(openRegistrationPerIpPerSecond > 0 && openRegistrationPerIpBurst >= 1,
                "open registration rate and burst must be positive");
    }

    /** The defaults: 64 KiB bodies, tokens 7 days (at most 30), 50 registrations/s per app (burst 100), 1/s per address for open registration (burst 10), management from loopback only. */
    public static RestSettings defaults() {
        return new RestSettings(64 * 1024, 7 * 86_400L, 30 * 86_400L, 50, 100, 1, 10, false);
    }

    /**
     * The settings named by {@link #PROPERTY_NAMES}, looked up with {@code property} (null when
     * unset). An unset, unparsable or out-of-range value gets its default, with a warning; a default
     * lifetime above the maximum is cut to the maximum.
     */
    public static RestSettings fromProperties(Function<String, String> property) {
        RestSettings d = defaults();
        long maxTtl = number(property, TOKEN_MAX_TTL, d.tokenMaxTtlSeconds(), 60, 10L * 365 * 86_400);
        long defaultTtl = Math.min(maxTtl, number(property, TOKEN_DEFAULT_TTL, d.tokenDefaultTtlSeconds(), 60, Long.MAX_VALUE));
        return new RestSettings(
                (int) number(property, MAX_BODY_BYTES, d.maxBodyBytes(), 1024, MAX_BODY_LIMIT),
                defaultTtl, maxTtl,
                rate(property, REGISTRATION_PER_SECOND, d.registrationPerSecond()),
                (int) number(property, REGISTRATION_BURST, d.registrationBurst(), 1, Integer.MAX_VALUE),
                rate(property, OPEN_REGISTRATION_PER_IP_PER_SECOND, d.openRegistrationPerIpPerSecond()),
                (int) number(property, OPEN_REGISTRATION_PER_IP_BURST, d.openRegistrationPerIpBurst(), 1, Integer.MAX_VALUE),
                Boolean.parseBoolean(property.apply(MANAGEMENT_ALLOW_REMOTE)));
    }

    private static long number(Function<String, String> property, String name, long def, long min, long max) {
        String raw = property.apply(name);
        if (raw == null || raw.isBlank()) {
            return def;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // warned below like an out-of-range value
        }
        Log.warn("Ignoring {}={}: expected an integer from {} to {}; using {}", name, raw, min, max, def);
        return def;
    }

    private static double rate(Function<String, String> property, String name, double def) {
        String raw = property.apply(name);
        if (raw == null || raw.isBlank()) {
            return def;
        }
        try {
            double value = Double.parseDouble(raw.trim());
            if (value > 0 && value < 1e9) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // warned below like an out-of-range value
        }
        Log.warn("Ignoring {}={}: expected a positive number; using {}", name, raw, def);
        return def;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
