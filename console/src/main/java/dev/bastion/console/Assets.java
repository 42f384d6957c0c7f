package dev.bastion.console;

import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The console's static files, all from the jar: one style sheet, one JavaScript module, an icon, and htmx from its
 * webjar. Only these names are served; there is no path to traverse.
 */
final class Assets {
    /** The htmx version of the webjar on the class path (the parent pom's htmx.version). */
    static final String HTMX_VERSION = "2.0.8";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> byName;

    Assets() {
        byName = Map.of(
                "console.css", load("/dev/bastion/console/assets/console.css", "text/css; charset=utf-8"),
                "console.js", load("/dev/bastion/console/assets/console.js", "text/javascript; charset=utf-8"),
                "icon.svg", load("/dev/bastion/console/assets/icon.svg", "image/svg+xml"),
                "htmx.min.js", load("/META-INF/resources/webjars/htmx.org/" + HTMX_VERSION + "/dist/htmx.min.js",
                        "text/javascript; charset=utf-8"));
    }

    private static Asset load(String resource, String contentType) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is missing from the class path");
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console asset " + resource, e);
        }
    }

    /** Sends asset {@code name}; false when there is no such asset. */
    boolean send(WebCall call, String name) {
        Optional<Asset> asset = Optional.ofNullable(byName.get(name));
        asset.ifPresent(a -> {
            call.response().header(HeaderNames.CONTENT_TYPE, a.contentType());
            call.response().send(a.bytes());
        });
        return asset.isPresent();
    }
}
