package io.imcloud.openfire;

import org.jivesoftware.openfire.http.HttpBindManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves a plain {@code javax.servlet} servlet on Openfire's client-facing HTTP ports (HTTP-bind,
 * 7070/7443) under a context path of its own. The only class that reaches Jetty, and only by
 * reflection: Openfire 4.x runs Jetty 9 ({@code org.eclipse.jetty.servlet}), Openfire 5.x Jetty 12
 * ({@code org.eclipse.jetty.ee8.servlet}), and a plugin compiled against either would not link on
 * the other.
 *
 * <p>Two collaborators, separable for tests: the class loader that sees Openfire's Jetty (builds
 * the servlet context) and the handler registry (an object with {@code addJettyHandler} and
 * {@code removeJettyHandler} methods, in Openfire {@link HttpBindManager#getInstance()}). Of the
 * registry's overloads the one whose parameter accepts the context is called; in Openfire 5.1 that
 * is {@code addJettyHandler(org.eclipse.jetty.ee8.nested.ContextHandler)}, in 4.x
 * {@code addJettyHandler(org.eclipse.jetty.server.Handler)}.
 *
 * <p>In the plugin's start-up: {@code steps.start("REST API", () -> JettyBridge.forOpenfire().mount(path,
 * servlet), JettyBridge.Mount::close)}.
 */
public final class JettyBridge {

    private static final Logger Log = LoggerFactory.getLogger(JettyBridge.class);
    /** What {@link #callDeclared} answers for a type that does not declare the method accessibly. */
    private static final Object NOT_DECLARED = new Object();
    private static final AtomicBoolean PEER_UNKNOWN_LOGGED = new AtomicBoolean();

    /** Where the servlet context classes live: Jetty 12 ee8 (Openfire 5.x) first, then Jetty 9 (Openfire 4.x). */
    private static final List<String> SERVLET_PACKAGES =
            List.of("org.eclipse.jetty.ee8.servlet.", "org.eclipse.jetty.servlet.");

    private final Object handlerRegistry;
    private final ClassLoader jettyLoader;

    /**
     * A bridge that registers contexts with {@code handlerRegistry}, building them from the Jetty
     * classes {@code jettyLoader} sees.
     */
    public JettyBridge(Object handlerRegistry, ClassLoader jettyLoader) {
        this.handlerRegistry = handlerRegistry;
        this.jettyLoader = jettyLoader;
    }

    /** The bridge to the running Openfire's HTTP-bind server. */
    public static JettyBridge forOpenfire() {
        HttpBindManager manager = HttpBindManager.getInstance();
        return new JettyBridge(manager, manager.getClass().getClassLoader());
    }

    /**
     * Serves {@code servlet} for every path under {@code contextPath} (e.g. {@code /imcloud}) until
     * the returned mount is closed.
     *
     * @throws IllegalStateException when the Jetty classes or a fitting registry method are missing
     */
    public Mount mount(String contextPath, HttpServlet servlet) {
        Object context = createContext(contextPath, servlet);
        invoke("addJettyHandler", context);
        Log.info("imcloud: serving {} on Openfire's HTTP-bind ports", contextPath);
        return new Mount(contextPath, context);
    }

    /** A new Jetty servlet context at {@code contextPath} with {@code servlet} mapped to {@code /*}. */
    Object createContext(String contextPath, HttpServlet servlet) {
        String servletPackage = servletPackage();
        try {
            Class<?> contextClass = jettyLoader.loadClass(servletPackage + "ServletContextHandler");
            Class<?> holderClass = jettyLoader.loadClass(servletPackage + "ServletHolder");
            // The Servlet type as Jetty sees it (Openfire's javax.servlet, which our servlet extends too).
            Class<?> servletType = jettyLoader.loadClass("javax.servlet.Servlet");
            Object context = contextClass.getConstructor().newInstance();
            contextClass.getMethod("setContextPath", String.class).invoke(context, contextPath);
            Object holder = holderClass.getConstructor(servletType).newInstance(servlet);
            contextClass.getMethod("addServlet", holderClass, String.class).invoke(context, holder, "/*");
            return context;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Jetty refused the servlet context " + contextPath, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Jetty's servlet context API in " + servletPackage
                    + " is not as expected", e);
        }
    }

    private String servletPackage() {
        for (String candidate : SERVLET_PACKAGES) {
            try {
                jettyLoader.loadClass(candidate + "ServletContextHandler");
                return candidate;
            } catch (ClassNotFoundException e) {
                Log.debug("No Jetty servlet context in {}", candidate);
            }
        }
        throw new IllegalStateException("Openfire's class loader has no Jetty ServletContextHandler in any of "
                + SERVLET_PACKAGES);
    }

    private void invoke(String methodName, Object context) {
        Method method = mostSpecificMethod(methodName, context);
        try {
            method.invoke(handlerRegistry, context);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(methodName + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(methodName + " is not accessible", e);
        }
    }

    /**
     * The public one-argument method {@code name} of the registry that accepts {@code argument};
     * the one with the narrowest parameter type if several do.
     */
    private Method mostSpecificMethod(String name, Object argument) {
        Method best = null;
        for (Method m : handlerRegistry.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1 && m.getParameterTypes()[0].isInstance(argument)
                    && (best == null || best.getParameterTypes()[0].isAssignableFrom(m.getParameterTypes()[0]))) {
                best = m;
            }
        }
        if (best == null) {
            throw new IllegalStateException(handlerRegistry.getClass().getName() + " has no method " + name
                    + " that accepts a " + argument.getClass().getName());
        }
        return best;
    }

    /**
     * The IP literal of the TCP peer of {@code request}'s connection, which Jetty's {@code ForwardedRequestCustomizer}
     * (Openfire's {@code httpbind.forwarded.enabled}) leaves alone while it rewrites {@code getRemoteAddr()}:
     * Jetty 12 {@code ee8} ({@code getCoreRequest().getConnectionMetaData().getConnection().getEndPoint()}) or
     * Jetty 9 ({@code getHttpChannel().getEndPoint()}). Null when neither path exists (another container).
     */
    public static String tcpPeerAddress(HttpServletRequest request) {
        Object endPoint = call(call(call(call(request, "getCoreRequest"), "getConnectionMetaData"), "getConnection"), "getEndPoint");
        if (endPoint == null) {
            endPoint = call(call(request, "getHttpChannel"), "getEndPoint");
        }
        Object address = call(endPoint, "getRemoteSocketAddress");
        if (address == null) {
            address = call(endPoint, "getRemoteAddress");
        }
        if (address instanceof InetSocketAddress socket && socket.getAddress() != null) {
            return socket.getAddress().getHostAddress();
        }
        if (PEER_UNKNOWN_LOGGED.compareAndSet(false, true)) {
            Log.warn("imcloud: cannot tell the TCP peer of HTTP requests in {}; the loopback check and per-address limits"
                    + " treat every caller as one unknown address", request.getClass().getName());
        }
        return null;
    }

    /**
     * The public no-argument method {@code name} of {@code target}, invoked through a public class or interface
     * that declares it (Jetty's wrappers are often private classes); null when target is null or has no such method.
     */
    private static Object call(Object target, String name) {
        if (target == null) {
            return null;
        }
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            Object result = callDeclared(type, target, name);
            if (result != NOT_DECLARED) {
                return result;
            }
            for (Class<?> iface : type.getInterfaces()) {
                result = callDeclared(iface, target, name);
                if (result != NOT_DECLARED) {
                    return result;
                }
            }
        }
        return null;
    }

    private static Object callDeclared(Class<?> type, Object target, String name) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return NOT_DECLARED;
        }
        try {
            return type.getMethod(name).invoke(target);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return NOT_DECLARED;
        } catch (InvocationTargetException e) {
            Log.debug("imcloud: {} of {} failed", name, type.getName(), e.getCause());
            return null;
        }
    }

    /** A servlet context registered with the registry; {@link #close()} takes it off again. */
    public final class Mount implements AutoCloseable {
        private final String contextPath;
        private final Object context;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Mount(String contextPath, Object context) {
            this.contextPath = contextPath;
            this.context = context;
        }

        /** The context path served, e.g. {@code /imcloud}. */
        public String contextPath() {
            return contextPath;
        }

        /** Unregisters (and so stops) the context; closing twice does nothing. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                invoke("removeJettyHandler", context);
                Log.info("imcloud: no longer serving {}", contextPath);
            }
        }
    }
}
