package io.imcloud.rest;

import org.apache.commons.io.input.ProxyInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body as the routes read it: a read that fails (the client closed the connection before it sent the body
 * it announced, or stopped sending until the idle timeout) throws {@link Unreadable}, which the servlet answers with 400
 * and a debug line, not as a failure of the server. Mobile clients drop uploads often.
 */
final class ClientBody extends ProxyInputStream {

    /** Reading the request body failed on the client's side. */
    static final class Unreadable extends IOException {
        Unreadable(IOException cause) {
            super("the request body could not be read: " + cause, cause);
        }
    }

    ClientBody(InputStream requestBody) {
        super(requestBody);
    }

    @Override
    protected void handleIOException(IOException e) throws IOException {
        throw e instanceof Unreadable ? e : new Unreadable(e);
    }
}
