package io.imcloud.xmpp;

import org.jivesoftware.openfire.disco.IQDiscoInfoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Advertises {@code urn:xmpp:mam:2} in service discovery, where XEP-0313 clients look for it: on the
 * server (older clients) and on the user's own bare JID (current XEP-0313).
 * <p>
 * The server feature uses {@code IQDiscoInfoHandler.addServerFeature}, present in 4.2.0 and 5.1.1.
 * User features come from {@code org.jivesoftware.openfire.disco.UserFeaturesProvider}, which 5.1.1
 * has ({@code IQDiscoInfoHandler.addUserFeaturesProvider}) and 4.2.0, our compile target, lacks; so
 * that provider is a {@link Proxy} registered reflectively, and skipped with a log line where the
 * running Openfire has no such interface. The provider lists the feature for every registered user:
 * Openfire's interface does not say which user is asked; plain users get {@code feature-not-implemented}.
 */
public final class MamDiscoFeatures {

    private static final Logger Log = LoggerFactory.getLogger(MamDiscoFeatures.class);
    static final String USER_FEATURES_PROVIDER = "org.jivesoftware.openfire.disco.UserFeaturesProvider";

    private final IQDiscoInfoHandler disco;
    private final String providerTypeName;
    private Class<?> providerType;
    private Object provider;

    /** Features for {@code disco} ({@code XMPPServer.getInstance().getIQDiscoInfoHandler()}). */
    public MamDiscoFeatures(IQDiscoInfoHandler disco) {
        this(disco, USER_FEATURES_PROVIDER);
    }

    /** Features for {@code disco}, whose user-feature provider interface is named {@code providerTypeName} (tests). */
    MamDiscoFeatures(IQDiscoInfoHandler disco, String providerTypeName) {
        this.disco = disco;
        this.providerTypeName = providerTypeName;
    }

    /** Adds the server feature and, where Openfire supports it, the user feature. */
    public void register() {
        disco.addServerFeature(MamIqHandler.NAMESPACE);
        try {
            Class<?> type = Class.forName(providerTypeName, false, disco.getClass().getClassLoader());
            Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new Features());
            disco.getClass().getMethod("addUserFeaturesProvider", type).invoke(disco, proxy);
            providerType = type;
            provider = proxy;
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            Log.info("This Openfire has no user features in service discovery: {} is advertised on the server only",
                    MamIqHandler.NAMESPACE);
        } catch (ReflectiveOperationException e) {
            Log.warn("Could not advertise {} on user JIDs", MamIqHandler.NAMESPACE, e);
        }
    }

    /** Removes what {@link #register()} added. */
    public void unregister() {
        disco.removeServerFeature(MamIqHandler.NAMESPACE);
        if (provider != null) {
            try {
                disco.getClass().getMethod("removeUserFeaturesProvider", providerType).invoke(disco, provider);
            } catch (ReflectiveOperationException e) {
                Log.warn("Could not withdraw {} from user JIDs", MamIqHandler.NAMESPACE, e);
            }
            provider = null;
        }
    }

    /** The proxy's behaviour: {@code getFeatures()} lists the MAM namespace; identity semantics otherwise. */
    private static final class Features implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "getFeatures" -> List.of(MamIqHandler.NAMESPACE).iterator();
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "imcloud XEP-0313 user features";
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
    }
}
