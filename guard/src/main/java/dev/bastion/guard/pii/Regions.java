package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Countries, states and continents: places at least as large as a state, which the HIPAA Safe Harbor method does
 * not count as identifiers (only geographic subdivisions smaller than a state are) and which name no one. The
 * {@link PiiMode#BALANCED} mode, made for pseudonymising text before a cloud model where every false positive costs
 * answer quality, does not report a place, organisation or group span that is one of them ("Japan", "Hawaii",
 * "the United States"); a name that is also a city ("Washington", "New York") is kept. Read from the gazetteer
 * lists the name model uses (country.txt, country_extra.txt; city.txt and city_major.txt for the exceptions)
 * and the fifty US states. Immutable and thread-safe.
 */
final class Regions {
    private Regions() {
    }

    private static final Set<String> CONTINENTS = Set.of("africa", "america", "north america", "south america",
            "latin america", "central america", "antarctica", "asia", "europe", "oceania", "eurasia",
            "the middle east", "middle east", "scandinavia", "the caribbean", "caribbean");
    /**
     * The states of the United States (HIPAA's "state"), lower case; state.txt also holds provinces named after
     * their cities (Torino, Milano), which are smaller than a state and stay reported.
     */
    private static final Set<String> US_STATES = Set.of("alabama", "alaska", "arizona", "arkansas", "california",
            "colorado", "connecticut", "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana",
            "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
            "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico",
            "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
            "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia",
            "washington", "west virginia", "wisconsin", "wyoming");
    private static final Set<String> REGIONS = load();
    /**
     * Words that name a natural feature (a river, a mountain, a sea): a span that starts or ends with one is a
     * feature of the landscape, not a geographic subdivision (street, city, county, postcode) where a person lives.
     */
    private static final Set<String> FEATURES = Set.of("river", "mount", "mt", "mountain", "mountains", "lake",
            "ocean", "sea", "gulf", "archipelago", "desert", "canyon", "peninsula", "glacier", "volcano", "strait",
            "rainforest", "waterfall");
    private static final Set<String> CITIES = cities();

    private static Set<String> cities() {
        Set<String> c = new HashSet<>(read("city.txt"));
        c.addAll(read("city_major.txt"));
        return Set.copyOf(c);
    }

    private static Set<String> load() {
        Set<String> regions = new HashSet<>(CONTINENTS);
        regions.addAll(US_STATES);
        for (String f : new String[] {"country.txt", "country_extra.txt"}) {
            regions.addAll(read(f));
        }
        for (String f : new String[] {"city.txt", "city_major.txt"}) {
            regions.removeAll(read(f));
        }
        return Set.copyOf(regions);
    }

    private static Set<String> read(String name) {
        try (InputStream in = Regions.class.getResourceAsStream("gazetteer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("gazetteer/" + name + " is missing from the build");
            }
            Set<String> out = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String v = line.strip().toLowerCase(Locale.ROOT);
                if (!v.isEmpty()) {
                    out.add(v);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether tokens a..b (an optional leading "the" aside) name a natural feature: their first or last word is a
     * feature word ("Amazon River", "Mount Everest", "the Dead Sea", "Archipelago") and they are not a city of the
     * gazetteer lists ("Lake Forest", "Sea Girt"). A lone feature word that is a known first or last name (River)
     * is not one.
     */
    static boolean naturalFeature(Tokens t, int a, int b) {
        if (a < b && t.lower[a].equals("the")) {
            a++;
        }
        if (b - a > 3 || !(FEATURES.contains(t.lower[a]) || FEATURES.contains(t.lower[b]))) {
            return false;
        }
        if (a == b && (Gazetteers.get().flags(t.lower[a]) & (Gazetteers.FIRST | Gazetteers.LAST)) != 0) {
            return false;
        }
        return !CITIES.contains(joined(t, a, b));
    }

    private static String joined(Tokens t, int a, int b) {
        StringBuilder s = new StringBuilder();
        for (int k = a; k < b + 1; k++) { // not k <= b: C2 trapped on that loop limit
            if (k > a && t.start[k] > t.end[k - 1]) {
                s.append(' ');
            }
            s.append(t.lower[k]);
        }
        return s.toString();
    }

    /** Whether tokens a..b (an optional leading "the" aside) are a country, a state or a continent. */
    static boolean region(Tokens t, int a, int b) {
        if (a < b && t.lower[a].equals("the")) {
            a++;
        }
        if (b - a > 5) {
            return false;
        }
        return REGIONS.contains(joined(t, a, b));
    }
}
