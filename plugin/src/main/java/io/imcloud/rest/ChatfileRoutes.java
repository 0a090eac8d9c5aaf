package io.imcloud.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.FileKind;
import io.imcloud.attachments.StoredFile;
import io.imcloud.attachments.Upload;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.i18n.ErrorText;
import io.imcloud.tenancy.App;
import io.imcloud.users.UserAccount;
import org.apache.commons.io.input.BoundedInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Easemob's chat files: {@code POST /{org}/{app}/chatfiles} (multipart, one file part, streamed to disk) and
 * {@code GET /{org}/{app}/chatfiles/{uuid}} (optionally followed by a file name, which only clients read). A file
 * uploaded with {@code restrict-access: true} is downloaded with its {@code share-secret} header (or an app token of
 * its app); any other file by whoever holds its URL, as Easemob and XEP-0363 serve them. XEP-0363 clients
 * {@code PUT} to the same URL with the slot's grant in {@code Authorization} ({@link UploadSlots}).
 */
public final class ChatfileRoutes implements RouteGroup {

    private static final Logger Log = LoggerFactory.getLogger(ChatfileRoutes.class);

    /** Room for the multipart framing and headers around the file part. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;
    /** Parts read up to the file part (form fields are skipped); more is a malformed or hostile request. */
    private static final int MAX_PARTS = 8;
    private static final int MAX_PART_HEADER_BYTES = 8 * 1024;

    private final Attachments attachments;
    private final UploadSlots slots;
    private final FileUrls urls;

    /**
     * The chat file routes over {@code attachments}, taking XEP-0363 uploads into the slots {@code slots} issued; the
     * URLs they answer are made by {@code urls}.
     */
    public ChatfileRoutes(Attachments attachments, UploadSlots slots, FileUrls urls) {
        this.attachments = attachments;
        this.slots = slots;
        this.urls = urls;
    }

    @Override
    public void register(Router router) {
        router.post("/{org}/{app}/chatfiles", this::upload);
        for (String pattern : new String[] {"/{org}/{app}/chatfiles/{uuid}", "/{org}/{app}/chatfiles/{uuid}/{name}"}) {
            router.get(pattern, this::download);
            router.add("HEAD", pattern, this::download);
            router.put(pattern, this::putIntoSlot);
        }
    }

    private void upload(RestExchange ex) throws IOException {
        App app = ex.app();
        Caller caller = ex.caller().orElseThrow(() -> ApiException.unauthorized(ErrorText.NO_TOKEN));
        HttpServletRequest request = ex.request();
        String boundary = MultipartReader.boundaryOf(request.getContentType());
        if (boundary == null) {
            throw ApiException.unsupportedMediaType(ErrorText.MULTIPART_CONTENT_TYPE);
        }
        long maxFile = attachments.limits().maxFileBytes();
        long maxBody = maxFile + MULTIPART_OVERHEAD;
        if (request.getContentLengthLong() > maxBody) {
            throw ApiException.tooLarge(maxFile);
        }
        boolean restricted = "true".equalsIgnoreCase(request.getHeader("restrict-access"));
        MultipartReader parts = new MultipartReader(new BodyLimit(ex.body(), maxBody), boundary,
                MAX_PART_HEADER_BYTES, MAX_PARTS);
        Attachments.Stored stored;
        try {
            stored = storeFilePart(parts, app, caller.isApp() ? null : caller.user().username(), restricted);
        } catch (BodyLimit.Exceeded e) {
            throw ApiException.tooLarge(maxFile);
        } catch (MultipartReader.MalformedException e) {
            throw ApiException.illegalArgument(e.description());
        }
        ObjectNode entity = ex.context().json().createObjectNode();
        entity.put("uuid", stored.file().uuid());
        entity.put("type", "chatfile");
        if (stored.secret() != null) {
            entity.put("share-secret", stored.secret());
        }
        describe(entity, stored.file(), urls.of(request, stored.file()));
        ObjectNode envelope = ex.envelope("post");
        envelope.set("entities", ex.array().add(entity));
        ex.reply(envelope);
    }

    /** A request body cut at a limit: reading past it fails (a body without Content-Length can be any size). */
    private static final class BodyLimit extends BoundedInputStream {

        /** The body went past the limit. */
        static final class Exceeded extends IOException {
            Exceeded() {
                super("request body over the limit");
            }
        }

        BodyLimit(InputStream in, long max) {
            super(in, max + 1);
        }

        @Override
        protected void onMaxLength(long max, long count) throws IOException {
            throw new Exceeded();
        }
    }

    /** Stores the first file part; the form fields before it are read and dropped. 400 when there is none. */
    private Attachments.Stored storeFilePart(MultipartReader parts, App app, String owner, boolean restricted)
            throws IOException {
        MultipartReader.Part part;
        while ((part = parts.next()) != null) {
            if (part.isFormField()) {
                continue;
            }
            return attachments.store(Upload.chatFile(app.key(), app.files(), owner, part.fileName(), restricted),
                    part.content());
        }
        throw ApiException.illegalArgument(ErrorText.NO_FILE_PART);
    }

    /** XEP-0363's PUT: the body of exactly the slot's size, stored under the slot's id for the slot's user. */
    private void putIntoSlot(RestExchange ex) throws IOException {
        App app = ex.app();
        String authorization = ex.request().getHeader("Authorization");
        UploadSlots.Slot slot = authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? null
                : slots.verify(authorization.substring(7).trim()).orElse(null);
        if (slot == null || !slot.user().appKey().equals(app.key()) || !slot.uuid().equals(ex.pathParam("uuid"))) {
            throw ApiException.forbidden(ErrorText.NO_UPLOAD_SLOT);
        }
        if (ex.context().users().find(slot.user()).filter(UserAccount::activated).isEmpty()) {
            throw ApiException.forbidden(ErrorText.SLOT_USER_GONE);
        }
        long declared = ex.request().getContentLengthLong();
        if (declared > slot.size()) {
            throw ApiException.tooLarge(slot.size());
        }
        if (declared >= 0 && declared != slot.size()) {
            throw ApiException.illegalArgument(ErrorText.SLOT_SIZE, slot.size());
        }
        StoredFile file = attachments.store(new Upload(app.key(), app.files(), slot.user().username(), slot.uuid(),
                slot.fileName(), false, slot.size()), ex.body()).file();
        ObjectNode entity = ex.context().json().createObjectNode();
        entity.put("uuid", file.uuid());
        entity.put("type", "chatfile");
        describe(entity, file, urls.of(ex.request(), file));
        ObjectNode envelope = ex.envelope("put");
        envelope.set("entities", ex.array().add(entity));
        ex.send(201, envelope);
    }

    private void download(RestExchange ex) throws IOException {
        App app = ex.app();
        StoredFile file = attachments.find(app.key(), ex.pathParam("uuid"))
                .orElseThrow(() -> ApiException.notFound(ErrorText.CHATFILE_NOT_FOUND, ex.pathParam("uuid")));
        if (file.restricted() && !file.acceptsSecret(ex.request().getHeader("share-secret")) && !appCaller(ex)) {
            throw ApiException.unauthorized(ErrorText.SHARE_SECRET_NEEDED);
        }
        if (Files.notExists(attachments.content(file))) {
            // its bytes never came (a crash between row and move) or went a moment ago: gone to the client too
            Log.debug("Chat file {} of {} has no bytes on disk", file.uuid(), app.key());
            throw ApiException.notFound(ErrorText.CHATFILE_NOT_FOUND, file.uuid());
        }
        FileResponse.Content content;
        if (file.kind() == FileKind.IMAGE && "true".equalsIgnoreCase(ex.request().getHeader("thumbnail"))) {
            Path thumbnail = attachments.thumbnail(file);
            content = new FileResponse.Content(thumbnail, Files.size(thumbnail), "image/jpeg",
                    "\"" + file.uuid() + "-thumb\"", file.created(), file.displayName(), file.restricted());
        } else {
            content = new FileResponse.Content(attachments.content(file), file.size(), file.contentType(),
                    "\"" + file.uuid() + "\"", file.created(), file.displayName(), file.restricted());
        }
        FileResponse.send(ex.request(), ex.response(), content);
    }

    /** Whether the request carries an app token of this app (the back-end may read every file of its app). */
    private static boolean appCaller(RestExchange ex) {
        return ex.request().getHeader("Authorization") != null && ex.caller().map(Caller::isApp).orElse(false);
    }

    /** Adds what the server learned of {@code file}, in the field names of Easemob's message bodies. */
    static void describe(ObjectNode entity, StoredFile file, String url) {
        entity.put("url", url);
        entity.put("content_type", file.contentType());
        entity.put("file_length", file.size());
        if (file.displayName() != null) {
            entity.put("filename", file.displayName());
        }
        if (file.kind() == FileKind.AUDIO) {
            entity.put("length", file.lengthSeconds());
            entity.put("duration_ms", file.durationMillis());
        }
        if (file.kind() == FileKind.IMAGE) {
            ObjectNode size = entity.putObject("size");
            size.put("width", file.width());
            size.put("height", file.height());
        }
    }
}
