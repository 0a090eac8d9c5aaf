package io.imcloud.rest;

import java.util.Set;

/**
 * The REST layer's settings, one immutable snapshot. The servlet asks its {@code Supplier} for the
 * current snapshot on every request, so the Openfire side can replace it when a
 * {@code plugin.imcloud.*} property changes ({@code io.imcloud.openfire.ImcloudSettings} reads and
 * documents them). Every value has a safe default ({@link #defaults()}) and is checked here so that
 * a bad value cannot switch a limit off.
 *
 * @param maxBodyBytes                  largest request body accepted
 * @param tokenDefaultTtlSeconds        lifetime of a token when the request names none
 * @param tokenMaxTtlSeconds            longest lifetime a request may ask for; longer is cut to this
 * @param registrationPerSecond         users an app may register per second, sustained
 * @param registrationBurst             users an app may register at once before the rate applies
 * @param openRegistrationPerIpPerSecond users one remote address may register per second without a token
 * @param openRegistrationPerIpBurst    burst of the same
 * @param managementAllowRemote         whether {@code /management} answers callers other than loopback
 * @param trustedProxies                IP addresses (canonical, see {@link ClientAddresses}) of reverse proxies whose
 *                                      forwarded client address is believed; every other peer is the client itself
 * @param corsOrigins                   the web origins whose pages may call the API from a browser
 */
public record RestSettings(int maxBodyBytes, long tokenDefaultTtlSeconds, long tokenMaxTtlSeconds,
                           double registrationPerSecond, int registrationBurst,
                           double openRegistrationPerIpPerSecond, int openRegistrationPerIpBurst,
                           boolean managementAllowRemote, Set<String> trustedProxies, CorsOrigins corsOrigins) {

    /** Upper bound of {@code maxBodyBytes}: the API takes JSON only, never uploads. */
    public static final int MAX_BODY_LIMIT = 16 * 1024 * 1024;

    public RestSettings {
        trustedProxies = Set.copyOf(trustedProxies);
        require(corsOrigins != null, "corsOrigins must be given");
        require(maxBodyBytes >= 1024 && maxBodyBytes <= MAX_BODY_LIMIT, "maxBodyBytes must be 1024.." + MAX_BODY_LIMIT);
        require(tokenMaxTtlSeconds >= 60, "tokenMaxTtlSeconds must be at least 60");
        require(tokenDefaultTtlSeconds >= 60 && tokenDefaultTtlSeconds <= tokenMaxTtlSeconds,
                "tokenDefaultTtlSeconds must be 60..tokenMaxTtlSeconds");
        require(registrationPerSecond > 0 && registrationBurst >= 1, "registration rate and burst must be positive");
        require(openRegistrationPerIpPerSecond > 0 && openRegistrationPerIpBurst >= 1,
                "open registration rate and burst must be positive");
    }

    /** The defaults: 64 KiB bodies, tokens 7 days (at most 30), 50 registrations/s per app (burst 100), 1/s per address for open registration (burst 10), management from loopback only, no trusted proxy, no CORS origin. */
    public static RestSettings defaults() {
        return new RestSettings(64 * 1024, 7 * 86_400L, 30 * 86_400L, 50, 100, 1, 10, false, Set.of(), CorsOrigins.NONE);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
