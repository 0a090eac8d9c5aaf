package io.imcloud.attachments;

import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.FilePolicy;

/**
 * What an upload asks for.
 *
 * @param app        the app that will own the file
 * @param policy     the app's file rules (quota, media only)
 * @param owner      the uploading user, null for the app's back-end
 * @param uuid       the id the file must get (an XEP-0363 slot names it in advance), null for a new one
 * @param fileName   the client's file name, kept as display text only (null when none)
 * @param restricted whether downloads will need a share-secret
 * @param exactSize  the size the body must have (an XEP-0363 slot's), or -1 for any size within the limit
 */
public record Upload(AppKey app, FilePolicy policy, String owner, String uuid, String fileName, boolean restricted,
                     long exactSize) {

    /** A chat file upload: a new id, any size within the limit. */
    public static Upload chatFile(AppKey app, FilePolicy policy, String owner, String fileName, boolean restricted) {
        return new Upload(app, policy, owner, null, fileName, restricted, -1);
    }
}
