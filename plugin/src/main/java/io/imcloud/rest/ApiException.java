package io.imcloud.rest;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.Localized;
import io.imcloud.i18n.LocalizedException;
import io.imcloud.tenancy.AppUser;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request refused with an Easemob-shaped error: HTTP status, {@code error} code, {@code exception}
 * name and {@code error_description}, an {@link ErrorText} the servlet writes in the caller's language.
 * Thrown by route handlers and request helpers; {@link Refusals} makes them of the domain's refusals.
 * Factory methods give the codes Easemob clients know.
 */
public class ApiException extends LocalizedException {

    private final int status;
    private final String error;
    private final String exception;
    private final Map<String, String> headers = new LinkedHashMap<>();

    /** A refusal with {@code status}, Easemob's {@code error} and {@code exception}, described by {@code description}. */
    public ApiException(int status, String error, String exception, Localized description) {
        super(description);
        this.status = status;
        this.error = error;
        this.exception = exception;
    }

    /** A refusal described by {@code text} with {@code arguments}. */
    public ApiException(int status, String error, String exception, ErrorText text, Object... arguments) {
        this(status, error, exception, Localized.of(text, arguments));
    }

    /** 400 illegal_argument. */
    public static ApiException illegalArgument(ErrorText text, Object... arguments) {
        return illegalArgument(Localized.of(text, arguments));
    }

    /** 400 illegal_argument, described by a domain's refusal. */
    public static ApiException illegalArgument(Localized description) {
        return new ApiException(400, "illegal_argument", "java.lang.IllegalArgumentException", description);
    }

    /** 400 json_parse. */
    public static ApiException jsonParse(ErrorText text, Object... arguments) {
        return new ApiException(400, "json_parse", "com.fasterxml.jackson.core.JsonParseException", text, arguments);
    }

    /** 400 duplicate_unique_property_exists. */
    public static ApiException duplicate(ErrorText text, Object... arguments) {
        return duplicate(Localized.of(text, arguments));
    }

    /** 400 duplicate_unique_property_exists, described by a domain's refusal. */
    public static ApiException duplicate(Localized description) {
        return new ApiException(400, "duplicate_unique_property_exists",
                "org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException", description);
    }

    /** 401 unauthorized. */
    public static ApiException unauthorized(ErrorText text, Object... arguments) {
        return new ApiException(401, "unauthorized", "org.apache.usergrid.rest.exceptions.SecurityException", text, arguments);
    }

    /** 403 forbidden: authenticated, but not allowed this resource. */
    public static ApiException forbidden(ErrorText text, Object... arguments) {
        return forbidden(Localized.of(text, arguments));
    }

    /** 403 forbidden, described by a domain's refusal. */
    public static ApiException forbidden(Localized description) {
        return new ApiException(403, "forbidden", "org.apache.usergrid.rest.exceptions.ForbiddenException", description);
    }

    /** 403 forbidden_op: the operation is not allowed on this resource (Easemob's answer to a full group, removing its owner...). */
    public static ApiException forbiddenOp(Localized description) {
        return new ApiException(403, "forbidden_op", "EasemobForbiddenOpException", description);
    }

    /** 404 service_resource_not_found. */
    public static ApiException notFound(ErrorText text, Object... arguments) {
        return notFound(Localized.of(text, arguments));
    }

    /** 404 service_resource_not_found, described by a domain's refusal. */
    public static ApiException notFound(Localized description) {
        return new ApiException(404, "service_resource_not_found",
                "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException", description);
    }

    /** 404 for a user the app does not have. */
    public static ApiException userNotFound(AppUser user) {
        return notFound(ErrorText.USER_NOT_FOUND, user.username());
    }

    /** 404 organization_application_not_found. */
    public static ApiException appNotFound(String orgApp) {
        return new ApiException(404, "organization_application_not_found",
                "org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException", ErrorText.APP_NOT_FOUND, orgApp);
    }

    /** 413 request_entity_too_large: a body over {@code maxBytes}. */
    public static ApiException tooLarge(long maxBytes) {
        return tooLarge(ErrorText.BODY_TOO_LARGE, maxBytes);
    }

    /** 413 request_entity_too_large. */
    public static ApiException tooLarge(ErrorText text, Object... arguments) {
        return tooLarge(Localized.of(text, arguments));
    }

    /** 413 request_entity_too_large, described by a domain's refusal. */
    public static ApiException tooLarge(Localized description) {
        return new ApiException(413, "request_entity_too_large", "javax.ws.rs.WebApplicationException", description);
    }

    /** 415 unsupported_media_type. */
    public static ApiException unsupportedMediaType(ErrorText text, Object... arguments) {
        return unsupportedMediaType(Localized.of(text, arguments));
    }

    /** 415 unsupported_media_type, described by a domain's refusal. */
    public static ApiException unsupportedMediaType(Localized description) {
        return new ApiException(415, "unsupported_media_type", "javax.ws.rs.NotSupportedException", description);
    }

    /** 429 reach_limit, with {@code Retry-After}. */
    public static ApiException reachLimit(long retryAfterSeconds) {
        ApiException e = new ApiException(429, "reach_limit", "io.imcloud.rest.RateLimitException", ErrorText.REACH_LIMIT);
        return e.withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /** 503 service_unavailable, with {@code Retry-After}: the archive is busy or down; the client may retry. */
    public static ApiException unavailable(ErrorText text, Object... arguments) {
        return new ApiException(503, "service_unavailable", "io.imcloud.rest.ServiceUnavailableException", text, arguments)
                .withHeader("Retry-After", "1");
    }

    /** Adds a response header, e.g. {@code Allow} or {@code WWW-Authenticate}. */
    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Easemob's {@code error} code. */
    public String error() {
        return error;
    }

    /** Easemob's {@code exception} name. */
    public String exception() {
        return exception;
    }

    /** The headers to send with the error. */
    public Map<String, String> headers() {
        return headers;
    }
}
