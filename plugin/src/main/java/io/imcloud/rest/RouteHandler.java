package io.imcloud.rest;

/** Handles the requests of one route: reads from and answers through the exchange. */
@FunctionalInterface
public interface RouteHandler {

    /**
     * Handles one request. Throw {@link ApiException} for an error answer; any other exception
     * becomes a logged 500.
     */
    void handle(RestExchange exchange) throws Exception;
}
