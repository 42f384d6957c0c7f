package dev.bastion.privacy.fl.net;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bastion fl init}: a new federation in {@code out}: {@code admin/admin.key} (the admin's Ed25519 key, to be
 * kept offline), {@code coordinator/} and {@code sites/NAME/} key directories ({@link Identity}), and
 * {@code roster.txt} signed by the admin. In a real deployment each member would make its own key directory and
 * send only its public key and fingerprint to the admin; generating all of them in one place is the simple path
 * this command offers, and the directories must then travel to their owners over a trusted channel.
 */
public final class FederationSetup {
    private FederationSetup() {
    }

    public static Roster create(String federation, List<String> siteNames, Path out, Instant now) throws IOException {
        if (Files.exists(out.resolve("roster.txt")) || Files.exists(out.resolve("admin"))) {
            throw new IllegalArgumentException(out + " already holds a federation; refusing to overwrite it");
        }
        for (String name : siteNames) {
            if (!Roster.isName(name)) {
                throw new IllegalArgumentException("site name '" + name + "' must be letters, digits, '.', '_' or '-'");
            }
        }
        if (!Roster.isName(federation)) {
            throw new IllegalArgumentException("the federation id must be letters, digits, '.', '_' or '-'");
        }
        SigningKey admin = SigningKey.loadOrCreate(out.resolve("admin").resolve("admin.key"), SigningKey.Algorithm.ED25519);
        byte[] adminPem = admin.publicKeyPem().getBytes(StandardCharsets.US_ASCII);
        Identity coordinator = Identity.create(out.resolve("coordinator"), "coordinator", adminPem, false, now);
        List<Roster.Site> sites = new ArrayList<>();
        for (String name : siteNames) {
            Identity site = Identity.create(out.resolve("sites").resolve(name), name, adminPem, true, now);
            sites.add(new Roster.Site(sites.size() + 1, name, site.signing().orElseThrow().publicKeyX509(),
                    site.fingerprint()));
        }
        Roster roster = Roster.sign(federation, admin, coordinator.fingerprint(), sites);
        Files.writeString(out.resolve("roster.txt"), roster.render());
        return roster;
    }
}
