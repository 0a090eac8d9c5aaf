package io.imcloud.tenancy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes an app with everything kept for it, for the management API and the admin console alike.
 * The app's data goes first, then the app row, then the data once more: whatever a request still
 * running against the app added in between (a registration, a queued message) goes too, and no
 * request can add more once the app is gone.
 */
public final class AppRemoval {

    private final AppStore apps;
    private final List<AppData> data;

    /** Removes apps from {@code apps} together with what each of {@code data} keeps for them. */
    public AppRemoval(AppStore apps, List<AppData> data) {
        this.apps = apps;
        this.data = List.copyOf(data);
    }

    /**
     * Deletes the app and its data.
     *
     * @return how many items of each {@linkplain AppData#kind() kind} went; empty when there is no such app
     */
    public Optional<Map<String, Long>> delete(AppKey key) {
        if (apps.find(key).isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> removed = new LinkedHashMap<>();
        deleteData(key, removed);
        if (!apps.delete(key)) {
            return Optional.empty();
        }
        deleteData(key, removed);
        return Optional.of(removed);
    }

    private void deleteData(AppKey key, Map<String, Long> removed) {
        for (AppData d : data) {
            removed.merge(d.kind(), d.deleteAll(key), Long::sum);
        }
    }
}
