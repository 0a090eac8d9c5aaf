package io.imcloud.openfire;

import org.eclipse.jetty.ee8.nested.ContextHandler;
import io.imcloud.testsupport.TestJetty;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge against a real Jetty 12 ee8 server, the one Openfire 5.1 runs, with a handler registry
 * that has {@code HttpBindManager}'s 5.1.1 overloads and behaviour: handlers go into a
 * {@link Handler.Sequence} of the running server and are started on adding, stopped on removing.
 */
class JettyBridgeTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Server server;
    private OpenfireLikeRegistry registry;

    @BeforeEach
    void startServer() throws Exception {
        Handler.Sequence extensionHandlers = new Handler.Sequence();
        server = TestJetty.start("127.0.0.1", extensionHandlers);
        registry = new OpenfireLikeRegistry(extensionHandlers);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    @Test
    void servesTheServletUnderItsContextUntilUnmounted() throws Exception {
        JettyBridge bridge = new JettyBridge(registry, Server.class.getClassLoader());

        JettyBridge.Mount mount = bridge.mount("/imcloud", new EchoServlet());

        HttpResponse<String> served = get("/imcloud/acme/chat/users?limit=2");
        assertEquals(200, served.statusCode());
        assertEquals("GET /imcloud /acme/chat/users limit=2", served.body());
        assertEquals(1, registry.contextAdds, "registered through the ee8 ContextHandler overload");
        assertEquals(404, get("/other/acme").statusCode(), "nothing outside the context");

        mount.close();
        mount.close();

        assertEquals(404, get("/imcloud/acme/chat/users").statusCode());
        assertEquals(1, registry.contextRemoves, "removed once, through the ee8 ContextHandler overload");
        assertFalse(registry.lastRemoved.isStarted(), "the registry stopped the removed context");
    }

    @Test
    void registryWithoutAFittingOverloadIsAClearError() {
        JettyBridge bridge = new JettyBridge(new CoreHandlersOnly(), Server.class.getClassLoader());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> bridge.mount("/imcloud", new EchoServlet()));

        assertTrue(e.getMessage().contains(
                        "has no method addJettyHandler that accepts a org.eclipse.jetty.ee8.servlet.ServletContextHandler"),
                e.getMessage());
    }

    @Test
    void classLoaderWithoutJettyIsAClearError() throws IOException {
        try (URLClassLoader noJetty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            JettyBridge bridge = new JettyBridge(registry, noJetty);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> bridge.mount("/imcloud", new EchoServlet()));

            assertTrue(e.getMessage().contains("org.eclipse.jetty.ee8.servlet., org.eclipse.jetty.servlet."), e.getMessage());
            assertEquals(0, registry.contextAdds);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = server.getURI().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Answers with what it saw, so the test can tell the context path and mapping are right. */
    static final class EchoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=utf-8");
            resp.getWriter().print(
                    req.getMethod() + " " + req.getContextPath() + " " + req.getPathInfo() + " " + req.getQueryString());
        }
    }

    /** What Openfire 5.1.1's HttpBindManager does with extension handlers (read from its source, not copied). */
    public static final class OpenfireLikeRegistry {
        private final Handler.Sequence handlers;
        int contextAdds;
        int contextRemoves;
        ContextHandler lastRemoved;

        OpenfireLikeRegistry(Handler.Sequence handlers) {
            this.handlers = handlers;
        }

        public void addJettyHandler(ContextHandler handler) {
            contextAdds++;
            addJettyHandler(handler.get());
        }

        public void removeJettyHandler(ContextHandler handler) {
            contextRemoves++;
            lastRemoved = handler;
            removeJettyHandler(handler.get());
        }

        public void addJettyHandler(Handler handler) {
            handlers.addHandler(handler);
            if (!handler.isStarted() && handlers.isStarted()) {
                try {
                    handler.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        public void removeJettyHandler(Handler handler) {
            handlers.removeHandler(handler);
            if (handler.isStarted()) {
                try {
                    handler.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** A registry with only core-handler methods: an ee8 servlet context does not fit them. */
    public static final class CoreHandlersOnly {
        public void addJettyHandler(Handler handler) {
            throw new AssertionError("must not be called with a context it does not accept");
        }
    }
}
