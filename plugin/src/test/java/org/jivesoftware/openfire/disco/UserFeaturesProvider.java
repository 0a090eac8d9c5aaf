package org.jivesoftware.openfire.disco;

import java.util.Iterator;

/**
 * Test stand-in for Openfire 5.1.1's interface of the same name (absent from 4.2.0, which the
 * project compiles against), declared exactly as in v5.1.1, so that {@code MamDiscoFeatures}'s
 * reflective registration can be exercised.
 */
public interface UserFeaturesProvider {

    Iterator<String> getFeatures();
}
