package io.imcloud.attachments;

import io.imcloud.i18n.ErrorText;
import io.imcloud.i18n.LocalizedException;

/** An attachment refused or missing; the REST and XMPP adapters turn the reason into their own error. */
public final class AttachmentException extends LocalizedException {

    /** Why. */
    public enum Reason {
        /** The file is larger than the size limit. */
        TOO_LARGE,
        /** The app's byte or file quota would be exceeded. */
        QUOTA_EXCEEDED,
        /** The app takes only audio and images, and this is neither. */
        TYPE_REFUSED,
        /** The upload holds no bytes. */
        EMPTY,
        /** The upload holds fewer bytes than its XEP-0363 slot announced. */
        SHORT,
        /** An image has more pixels than the server decodes. */
        IMAGE_TOO_LARGE,
        /** A file taken for an image by its header cannot be decoded (for a thumbnail). */
        IMAGE_UNDECODABLE,
        /** A file of that id exists already (an XEP-0363 slot is good for one upload). */
        DUPLICATE
    }

    private final Reason reason;

    /** Refused for {@code reason}, described by {@code text} with {@code arguments}. */
    public AttachmentException(Reason reason, ErrorText text, Object... arguments) {
        super(text, arguments);
        this.reason = reason;
    }

    /** Why, as the adapters tell it (the REST API's status and error code). */
    public Reason reason() {
        return reason;
    }
}
