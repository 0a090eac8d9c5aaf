package io.imcloud.rest;

/**
 * A set of routes that registers itself on the servlet's {@link Router}; one class per area of the
 * API (users, tokens, history, ...). Groups get their own dependencies in their constructors and
 * the shared ones (apps, tokens, settings, clock) through the {@link RestExchange}.
 */
public interface RouteGroup {

    /** Adds this group's routes, e.g. {@code router.get("/{org}/{app}/users", this::list)}. */
    void register(Router router);
}
