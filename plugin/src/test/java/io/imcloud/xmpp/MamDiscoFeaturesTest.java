package io.imcloud.xmpp;

import org.jivesoftware.openfire.disco.IQDiscoInfoHandler;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Service discovery of urn:xmpp:mam:2 on an Openfire with user features (5.1.1) and without (4.2.0). */
class MamDiscoFeaturesTest {

    /** IQDiscoInfoHandler's feature registry as 4.2.0 has it: server features only (no cache, no cluster). */
    static class ServerOnlyDisco extends IQDiscoInfoHandler {
        final Set<String> serverFeatures = new HashSet<>();

        @Override
        public void addServerFeature(String namespace) {
            serverFeatures.add(namespace);
        }

        @Override
        public void removeServerFeature(String namespace) {
            serverFeatures.remove(namespace);
        }
    }

    /** The shape of a user-feature provider interface (5.1.1 has one; 4.2.0, our compile target, does not). */
    public interface FeatureSource {
        Iterator<String> getFeatures();
    }

    /** As 5.1.1 has it: plus user feature providers, here of our own {@link FeatureSource} type. */
    public static class UserFeaturesDisco extends ServerOnlyDisco {
        final List<FeatureSource> userProviders = new ArrayList<>();

        public void addUserFeaturesProvider(FeatureSource provider) {
            userProviders.add(provider);
        }

        public void removeUserFeaturesProvider(FeatureSource provider) {
            userProviders.remove(provider);
        }
    }

    @Test
    void advertisesOnServerAndUsersAndWithdrawsBoth() {
        UserFeaturesDisco disco = new UserFeaturesDisco();
        MamDiscoFeatures features = new MamDiscoFeatures(disco, FeatureSource.class.getName());
        features.register();
        assertEquals(Set.of(MamIqHandler.NAMESPACE), disco.serverFeatures);
        assertEquals(1, disco.userProviders.size());
        List<String> userFeatures = new ArrayList<>();
        disco.userProviders.get(0).getFeatures().forEachRemaining(userFeatures::add);
        assertEquals(List.of(MamIqHandler.NAMESPACE), userFeatures);

        features.unregister();
        assertTrue(disco.serverFeatures.isEmpty());
        assertTrue(disco.userProviders.isEmpty(), "the same provider object is removed");
    }

    @Test
    void anOpenfireWithoutUserFeaturesGetsTheServerFeatureOnly() {
        ServerOnlyDisco disco = new ServerOnlyDisco();
        MamDiscoFeatures features = new MamDiscoFeatures(disco);
        features.register();
        assertEquals(Set.of(MamIqHandler.NAMESPACE), disco.serverFeatures);
        features.unregister();
        assertTrue(disco.serverFeatures.isEmpty());
    }
}
