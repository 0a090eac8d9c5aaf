package io.imcloud.rest;

import io.imcloud.i18n.ErrorText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Maps method and path to a {@link RouteHandler}. Patterns are slash-separated segments, each a
 * literal or a {@code {name}} parameter matching one non-empty segment. When several patterns
 * match, the one with a literal at the first differing position wins, so {@code /management/apps}
 * beats {@code /{org}/{app}}. A path no pattern matches is 404; a path matched only under other
 * methods is 405 with {@code Allow}.
 */
public final class Router {

    /** Written while the servlet is built, read by every request: reads take no lock. */
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** Adds a GET route. */
    public Router get(String pattern, RouteHandler handler) {
        return add("GET", pattern, handler);
    }

    /** Adds a POST route. */
    public Router post(String pattern, RouteHandler handler) {
        return add("POST", pattern, handler);
    }

    /** Adds a PUT route. */
    public Router put(String pattern, RouteHandler handler) {
        return add("PUT", pattern, handler);
    }

    /** Adds a DELETE route. */
    public Router delete(String pattern, RouteHandler handler) {
        return add("DELETE", pattern, handler);
    }

    /**
     * Adds a route for {@code method} and {@code pattern}.
     *
     * @throws IllegalStateException when that method and pattern are already taken
     */
    public synchronized Router add(String method, String pattern, RouteHandler handler) {
        Route route = new Route(method, split(pattern), handler);
        for (Route r : routes) {
            if (r.method.equals(method) && r.shape().equals(route.shape())) {
                throw new IllegalStateException("Route registered twice: " + method + " " + pattern);
            }
        }
        routes.add(route);
        return this;
    }

    /**
     * The route for a request.
     *
     * @throws ApiException 404 for an unknown path, 405 for a known path with another method
     */
    public Match resolve(String method, String path) {
        List<String> segments = split(path);
        Match best = null;
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.match(segments);
            if (params == null) {
                continue;
            }
            allowed.add(r.method);
            if (r.method.equals(method) && (best == null || r.moreSpecificThan(best.route))) {
                best = new Match(r, params);
            }
        }
        if (best != null) {
            return best;
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound(ErrorText.PATH_NOT_FOUND, path);
        }
        throw new ApiException(405, "method_not_allowed", "javax.ws.rs.NotAllowedException",
                ErrorText.METHOD_NOT_ALLOWED, method, path).withHeader("Allow", String.join(", ", allowed));
    }

    private static List<String> split(String path) {
        List<String> segments = new ArrayList<>(Arrays.asList(path.split("/", -1)));
        // "/a/b" splits to ["", "a", "b"]: drop the leading empty segment, keep any other empty one
        // so that "//x" or "/a/" match nothing.
        if (!segments.isEmpty() && segments.get(0).isEmpty()) {
            segments.remove(0);
        }
        return segments;
    }

    /** A resolved request: the handler and the values of the pattern's parameters. */
    public static final class Match {
        private final Route route;
        private final Map<String, String> params;

        private Match(Route route, Map<String, String> params) {
            this.route = route;
            this.params = params;
        }

        public RouteHandler handler() {
            return route.handler;
        }

        /** Path parameter values by name. */
        public Map<String, String> params() {
            return params;
        }
    }

    private static final class Route {
        final String method;
        final List<String> segments;
        final RouteHandler handler;

        Route(String method, List<String> segments, RouteHandler handler) {
            this.method = method;
            this.segments = segments;
            this.handler = handler;
        }

        Map<String, String> match(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < path.size(); i++) {
                String s = segments.get(i);
                String p = path.get(i);
                if (isParam(s)) {
                    if (p.isEmpty()) {
                        return null;
                    }
                    params.put(s.substring(1, s.length() - 1), p);
                } else if (!s.equals(p)) {
                    return null;
                }
            }
            return params;
        }

        /** The pattern with parameter names blanked: two routes of one shape would match the same paths. */
        List<String> shape() {
            return segments.stream().map(s -> isParam(s) ? "{}" : s).toList();
        }

        boolean moreSpecificThan(Route other) {
            for (int i = 0; i < segments.size(); i++) {
                boolean literal = !isParam(segments.get(i));
                boolean otherLiteral = !isParam(other.segments.get(i));
                if (literal != otherLiteral) {
                    return literal;
                }
            }
            return false;
        }

        private static boolean isParam(String segment) {
            return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
        }
    }
}
