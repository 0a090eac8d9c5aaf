package io.imcloud.rest;

import io.imcloud.attachments.AttachmentException;
import io.imcloud.groups.GroupException;
import io.imcloud.i18n.LocalizedException;
import io.imcloud.users.UserException;

/**
 * The Easemob errors of the domain's refusals, with the domain's description: users and contacts, groups and
 * attachments by their reason; an app's options, a device binding and any other refusal 400 {@code illegal_argument}.
 */
final class Refusals {

    private Refusals() {
    }

    /** The API's answer to {@code refusal} (an {@link ApiException} is its own). */
    static ApiException of(LocalizedException refusal) {
        if (refusal instanceof ApiException api) {
            return api;
        }
        if (refusal instanceof UserException e) {
            return switch (e.reason()) {
                case ILLEGAL_ARGUMENT -> ApiException.illegalArgument(e.description());
                case DUPLICATE -> ApiException.duplicate(e.description());
                case NOT_FOUND -> ApiException.notFound(e.description());
                case QUOTA_EXCEEDED -> new ApiException(403, "exceed_limit", "io.imcloud.users.UserException", e.description());
                case FORBIDDEN -> ApiException.forbidden(e.description());
            };
        }
        if (refusal instanceof GroupException e) {
            return switch (e.reason()) {
                case ILLEGAL_ARGUMENT -> ApiException.illegalArgument(e.description());
                case NOT_FOUND -> ApiException.notFound(e.description());
                case FORBIDDEN, LIMIT -> ApiException.forbiddenOp(e.description());
            };
        }
        if (refusal instanceof AttachmentException e) {
            return switch (e.reason()) {
                case TOO_LARGE -> ApiException.tooLarge(e.description());
                case QUOTA_EXCEEDED -> new ApiException(429, "reach_limit", "io.imcloud.attachments.QuotaExceededException",
                        e.description());
                case TYPE_REFUSED -> ApiException.unsupportedMediaType(e.description());
                case EMPTY, SHORT, IMAGE_TOO_LARGE, IMAGE_UNDECODABLE -> ApiException.illegalArgument(e.description());
                case DUPLICATE -> new ApiException(409, "duplicate_unique_property_exists",
                        "org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException", e.description());
            };
        }
        return ApiException.illegalArgument(refusal.description());
    }
}
