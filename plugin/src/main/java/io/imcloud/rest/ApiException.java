package io.imcloud.rest;

import io.imcloud.tenancy.AppUser;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request refused with an Easemob-shaped error: HTTP status, {@code error} code, {@code exception}
 * name and {@code error_description}. Thrown by route handlers and request helpers; the servlet
 * writes it. Factory methods give the codes Easemob clients know.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final String exception;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiException(int status, String error, String exception, String description) {
        super(description);
        this.status = status;
        this.error = error;
        this.exception = exception;
    }

    /** 400 illegal_argument. */
    public static ApiException illegalArgument(String description) {
        return new ApiException(400, "illegal_argument", "java.lang.IllegalArgumentException", description);
    }

    /** 400 json_parse. */
    public static ApiException jsonParse(String description) {
        return new ApiException(400, "json_parse", "com.fasterxml.jackson.core.JsonParseException", description);
    }

    /** 400 duplicate_unique_property_exists. */
    public static ApiException duplicate(String description) {
        return new ApiException(400, "duplicate_unique_property_exists",
                "org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException", description);
    }

    /** 401 unauthorized. */
    public static ApiException unauthorized(String description) {
        return new ApiException(401, "unauthorized", "org.apache.usergrid.rest.exceptions.SecurityException", description);
    }

    /** 403 forbidden: authenticated, but not allowed this resource. */
    public static ApiException forbidden(String description) {
        return new ApiException(403, "forbidden", "org.apache.usergrid.rest.exceptions.ForbiddenException", description);
    }

    /** 403 forbidden_op: the operation is not allowed on this resource (Easemob's answer to a full group, removing its owner...). */
    public static ApiException forbiddenOp(String description) {
        return new ApiException(403, "forbidden_op", "EasemobForbiddenOpException", description);
    }

    /** 404 service_resource_not_found. */
    public static ApiException notFound(String description) {
        return new ApiException(404, "service_resource_not_found",
                "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException", description);
    }

    /** 404 for a user the app does not have. */
    public static ApiException userNotFound(AppUser user) {
        return notFound("Service resource not found: user " + user.username());
    }

    /** 404 organization_application_not_found. */
    public static ApiException appNotFound(String orgApp) {
        return new ApiException(404, "organization_application_not_found",
                "org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException",
                "Could not find application for " + orgApp + " from URI: " + orgApp);
    }

    /** 413 request_entity_too_large. */
    public static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "request_entity_too_large", "javax.ws.rs.WebApplicationException",
                "Request body is larger than " + maxBytes + " bytes");
    }

    /** 415 unsupported_media_type. */
    public static ApiException unsupportedMediaType(String description) {
        return new ApiException(415, "unsupported_media_type", "javax.ws.rs.NotSupportedException", description);
    }

    /** 429 reach_limit, with {@code Retry-After}. */
    public static ApiException reachLimit(long retryAfterSeconds) {
        ApiException e = new ApiException(429, "reach_limit", "io.imcloud.rest.RateLimitException",
                "This request has reached api limit");
        return e.withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /** 503 service_unavailable, with {@code Retry-After}: the archive is busy or down; the client may retry. */
    public static ApiException unavailable(String description) {
        return new ApiException(503, "service_unavailable", "io.imcloud.rest.ServiceUnavailableException", description)
                .withHeader("Retry-After", "1");
    }

    /** Adds a response header, e.g. {@code Allow} or {@code WWW-Authenticate}. */
    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String exception() {
        return exception;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
