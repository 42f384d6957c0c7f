package dev.bastion.models.pull;

import java.net.URI;

/**
 * One model of the built-in catalogue: where to fetch it, the SHA-256 it must have, and what it is. Checks itself:
 * a name usable as a file name, an https URL, a 64-digit lowercase hex hash, a positive size, and a licence,
 * architecture, quantisation and source that are not blank.
 *
 * @param source where the hash was published (the catalogue never carries a hash nobody can check)
 */
public record CatalogueEntry(String name, String description, URI url, String sha256, long size, String licence,
        String architecture, String quantisation, String source) {
    public CatalogueEntry {
        PullRequest.checkName(name);
        if (url == null || !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("catalogue entry '" + name + "': url must be https, was " + url);
        }
        PullRequest.checkSha256(sha256, "catalogue entry '" + name + "'");
        if (size <= 0) {
            throw new IllegalArgumentException("catalogue entry '" + name + "': size must be positive");
        }
        for (String[] field : new String[][] {{"description", description}, {"licence", licence},
                {"architecture", architecture}, {"quantisation", quantisation}, {"source", source}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new IllegalArgumentException("catalogue entry '" + name + "': " + field[0] + " is required");
            }
        }
    }
}
