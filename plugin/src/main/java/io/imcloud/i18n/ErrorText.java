package io.imcloud.i18n;

import java.util.Locale;

/**
 * Every error description the REST API shows, its own and those of the domain's refusals: one constant per text, whose
 * key in {@code i18n/imcloud_i18n*.properties} is {@code imcloud.api.error.} and the constant's name in lower case, and
 * which takes a fixed number of {@link java.text.MessageFormat} arguments ({@code {0}}, {@code {1}}...). JSON shapes,
 * field names and values that a text names are arguments or stay as they are in every language. Tests check that
 * both languages have every text with exactly its arguments.
 */
public enum ErrorText {

    // Requests, bodies and fields
    SERVER_FAILED(0),
    PATH_NOT_FOUND(1),
    METHOD_NOT_ALLOWED(2),
    BODY_TOO_LARGE(1),
    REACH_LIMIT(0),
    JSON_CONTENT_TYPE(0),
    BODY_EMPTY(0),
    BODY_UNREADABLE(0),
    JSON_UNEXPECTED(1),
    BODY_NOT_OBJECT(0),
    BODY_MUST_BE(1),
    BODY_MUST_BE_OR_EMPTY(1),
    UNKNOWN_FIELD(2),
    NOT_A_STRING(1),
    NOT_BOOLEAN(1),
    NOT_INTEGER(1),
    NOT_WHOLE_NUMBER(1),
    INTEGER_RANGE(3),
    NOT_LEGAL(2),
    ARRAY_OF_USERNAMES(2),
    USERNAMES_ARRAY(1),
    CONTAINS_USERNAMES(1),
    INVALID_CURSOR(0),

    // Tokens and authentication
    NO_TOKEN(0),
    TOKEN_IN_URL(0),
    AUTHORIZATION_BEARER(0),
    TOKEN_INVALID(0),
    TOKEN_OTHER_APP(0),
    TOKEN_REVOKED_SECRET(0),
    TOKEN_USER_GONE(0),
    TOKEN_REVOKED_PASSWORD(0),
    APP_TOKEN_NEEDED(0),
    OWN_RESOURCES_ONLY(0),
    GRANT_TYPE(0),
    INVALID_CLIENT(0),
    INVALID_PASSWORD(0),
    TTL_POSITIVE(0),

    // Management API and app options
    APP_NOT_FOUND(1),
    APP_KEY_PARTS(0),
    APP_EXISTS(1),
    RESERVED_ORG(1),
    NO_CALLBACK_URL(1),
    MANAGEMENT_LOOPBACK(0),
    MANAGEMENT_CREDENTIALS(0),
    MAX_USERS_RANGE(1),
    RETENTION_RANGE(1),
    FILE_QUOTA_BYTES_RANGE(1),
    FILE_QUOTA_FILES_RANGE(1),
    FILE_RETENTION_RANGE(1),
    CALLBACK_URL_RULE(1),

    // Users
    USER_NOT_FOUND(1),
    USER_OF_APP_NOT_FOUND(2),
    REGISTRATION_NEEDS_TOKEN(0),
    REGISTRATION_APP_TOKEN(0),
    USERS_EMPTY(0),
    USERS_TOO_MANY(1),
    USER_OBJECT(1),
    USERNAME_RULES(1),
    USERNAME_TOO_LONG(3),
    USERNAME_TAKEN(2),
    APP_USERS_LIMIT(2),
    PASSWORD_LENGTH(1),
    OLD_PASSWORD_REQUIRED(0),
    OLD_PASSWORD_WRONG(0),
    NICKNAME_OF_TOO_LONG(2),
    NICKNAME_TOO_LONG(1),

    // Contacts and blocks
    NAMES_COUNT(1),
    NAMES_ITSELF(1),
    NAMED_TWICE(1),
    CONTACTS_TOO_MANY(2),
    CONTACTS_FULL(2),
    CONTACT_BLOCKED(2),
    BLOCKS_TOO_MANY(2),

    // Push bindings
    PUSH_BINDING_BODY(1),
    FIELD_REQUIRED(1),
    FIELD_LENGTH(3),
    FIELD_CONTROL_CHARACTERS(1),
    TOO_MANY_DEVICES(1),

    // History, conversations and read marks
    BEFORE_INVALID(0),
    CONVERSATION_MESSAGE_NOT_FOUND(3),
    OFFLINE_MESSAGE_NOT_FOUND(2),
    MSG_ID_LENGTH(1),
    READ_MARK_BUSY(0),
    READ_MARK_FAILED(0),
    ARCHIVE_INTERRUPTED(0),

    // Sending messages
    SEND_NO_USER(2),
    SEND_BUSY(3),
    SEND_TO_ITSELF(1),
    TEXT_BODY(1),
    MEDIA_BODY(2),
    MESSAGE_TYPE(0),
    EXT_OBJECT(0),
    MESSAGE_TOO_LARGE(2),
    MEDIA_URL(0),
    MEDIA_KIND(3),
    MEDIA_SECRET(0),

    // Chat files and uploads
    MULTIPART_CONTENT_TYPE(0),
    MULTIPART_NO_DELIMITER(0),
    MULTIPART_ENDS_AFTER_DELIMITER(0),
    MULTIPART_TOO_MANY_PARTS(1),
    MULTIPART_HEADERS_TOO_LONG(1),
    MULTIPART_ENDS_IN_HEADERS(0),
    MULTIPART_TEXT_AFTER_DELIMITER(0),
    MULTIPART_ENDS_IN_PART(0),
    NO_FILE_PART(0),
    NO_UPLOAD_SLOT(0),
    SLOT_USER_GONE(0),
    SLOT_SIZE(1),
    CHATFILE_NOT_FOUND(1),
    SHARE_SECRET_NEEDED(0),
    FILE_TOO_LARGE(1),
    FILE_EMPTY(0),
    FILE_SIZE_MISMATCH(2),
    FILE_MEDIA_ONLY(0),
    FILE_EXISTS(1),
    IMAGE_TOO_LARGE(3),
    IMAGE_UNDECODABLE(0),
    FILE_QUOTA(3),

    // Groups
    GROUP_NOT_FOUND(1),
    GROUP_NO_GROUP(1),
    GROUP_UPDATE_BODY(0),
    NEWOWNER_ALONE(0),
    GROUP_MAXUSERS(1),
    GROUP_MAXUSERS_BELOW(3),
    GROUP_CREATE_TOO_MANY(1),
    GROUP_OWNER_IN_MEMBERS(1),
    GROUP_CREATE_LIMIT(2),
    GROUP_APP_KEY_TOO_LONG(3),
    GROUP_NAME_LENGTH(1),
    GROUP_DESCRIPTION_LENGTH(1),
    GROUP_USERNAMES_COUNT(1),
    GROUP_NAMED_TWICE(2),
    GROUP_NOT_A_USERNAME(2),
    GROUP_NO_USERS(2),
    GROUP_NOT_MEMBER(2),
    GROUP_NOT_PLAIN_MEMBER(3),
    GROUP_NOT_ADMIN(2),
    GROUP_OWNER_ALREADY(2),
    GROUP_FULL(4),
    GROUP_USER_LIMIT(2),
    GROUP_REMOVE_NOT_MEMBER(1),
    GROUP_REMOVE_OWNER(0),
    GROUP_MESSAGE_NOT_FOUND(2),
    GROUP_NO_MEMBER(2),
    GROUP_MEMBER_MESSAGE_NOT_FOUND(3),
    GROUP_IDS_ARRAY(2),
    GROUP_IDS_CONTAIN(1),
    SEND_NO_GROUP(2),
    GROUP_SEND_BUSY(1);

    /** The prefix of the texts' keys. */
    public static final String KEY_PREFIX = "imcloud.api.error.";

    private final int arguments;

    ErrorText(int arguments) {
        this.arguments = arguments;
    }

    /** The text's key in the bundle. */
    public String key() {
        return KEY_PREFIX + name().toLowerCase(Locale.ROOT);
    }

    /** How many arguments the text takes. */
    public int arguments() {
        return arguments;
    }
}
