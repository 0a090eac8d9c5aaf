package io.imcloud.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imcloud.tenancy.AppStore;
import io.imcloud.tenancy.TokenService;
import io.imcloud.users.UserService;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What every route needs, shared by the whole servlet: apps, tokens and users (to authenticate
 * callers), the live settings, the clock, the rate limits and the JSON mapper.
 */
public final class RestContext {

    private final AppStore apps;
    private final TokenService tokens;
    private final UserService users;
    private final Supplier<RestSettings> settings;
    private final Clock clock;
    private final RateLimiter rateLimiter;
    private final ClientAddresses clientAddresses;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param settings asked once per request for the current snapshot
     * @param clock    time of tokens and timestamps (tests move it)
     * @param rateLimiter the rate-limit buckets (in a cluster, shared by every node)
     * @param clientAddresses tells where a request comes from
     */
    public RestContext(AppStore apps, TokenService tokens, UserService users, Supplier<RestSettings> settings, Clock clock,
                       RateLimiter rateLimiter, ClientAddresses clientAddresses) {
        this.apps = Objects.requireNonNull(apps);
        this.tokens = Objects.requireNonNull(tokens);
        this.users = Objects.requireNonNull(users);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.rateLimiter = Objects.requireNonNull(rateLimiter);
        this.clientAddresses = Objects.requireNonNull(clientAddresses);
    }

    public ClientAddresses clientAddresses() {
        return clientAddresses;
    }

    public AppStore apps() {
        return apps;
    }

    public TokenService tokens() {
        return tokens;
    }

    public UserService users() {
        return users;
    }

    /** The current settings snapshot. */
    public RestSettings settings() {
        return settings.get();
    }

    public Clock clock() {
        return clock;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** The shared, thread-safe Jackson mapper. */
    public ObjectMapper json() {
        return json;
    }
}
