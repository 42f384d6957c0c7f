package dev.bastion.models.pull;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What to pull and where: the URL, the SHA-256 the file must have, the model's name (the file becomes
 * {@code <modelDir>/<name>.gguf}) and the model directory. Checks itself: https, or plain http only to a loopback
 * address unless {@code insecureAllowHttp}; a 64-digit hex hash (stored lowercase); a name of letters, digits,
 * dots, dashes and underscores that does not start with a dot.
 */
public record PullRequest(URI url, String sha256, String name, Path modelDir, boolean insecureAllowHttp) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    public PullRequest {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + url);
        }
        checkScheme(url, insecureAllowHttp);
        checkSha256(sha256, "--sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
        checkName(name);
        if (modelDir == null) {
            throw new IllegalArgumentException("a model directory is required");
        }
    }

    /** The name a URL suggests: its last path segment without {@code .gguf}, with unsafe characters replaced. */
    public static String nameFrom(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            last = last.substring(0, last.length() - 5);
        }
        String safe = last.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.+", "");
        if (safe.isEmpty()) {
            throw new IllegalArgumentException("cannot name the model from " + url + "; give --name");
        }
        return safe.length() > 128 ? safe.substring(0, 128) : safe;
    }

    /**
     * Refuses plain http except to a loopback address, unless {@code insecureAllowHttp}; refuses every other scheme.
     * Also used for the URL a redirect ends at.
     */
    static void checkScheme(URI url, boolean insecureAllowHttp) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("only https URLs can be pulled, not " + scheme + ": " + url);
        }
        if (!insecureAllowHttp && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException("refusing plain http to " + url.getHost()
                    + " (anyone on the path could change the file); use https, or --allow-http if you must");
        }
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false; // a name other than localhost is never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static void checkSha256(String sha256, String what) {
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException(what + ": a SHA-256 is 64 hexadecimal digits, got '"
                    + (sha256 == null ? "" : sha256.length() > 80 ? sha256.substring(0, 80) + "..." : sha256) + "'");
        }
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' must be 1 to 128 letters, digits, '.', '-' "
                    + "or '_', not starting with '.' or '-'");
        }
    }

    /** Where the finished model goes. */
    public Path target() {
        return modelDir.resolve(name + ".gguf");
    }

    /** Where the download grows until its hash is checked. */
    public Path partial() {
        return modelDir.resolve(".partial").resolve(name + ".gguf.part");
    }
}
