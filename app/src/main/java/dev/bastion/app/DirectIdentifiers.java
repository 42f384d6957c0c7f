package dev.bastion.app;

import dev.bastion.guard.Finding;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.privacy.dp.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Columns that identify a person directly (names, e-mail addresses, phone, account and national numbers, street
 * addresses): by their header, or because the PII recognisers flag most of their values. Such columns must be
 * dropped or pseudonymised before a table is assessed or released; generalising them is not enough.
 */
final class DirectIdentifiers {
    /** Finding types that are quasi-identifiers at most: a column of them is left to the risk model. */
    private static final Set<String> INDIRECT = Set.of("DATE_TIME", "LOCATION", "NRP", "TITLE", "ZIP_CODE", "AGE",
            "ORGANIZATION");
    private static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("name", "PERSON"),
            Map.entry("fullname", "PERSON"), Map.entry("firstname", "PERSON"), Map.entry("lastname", "PERSON"),
            Map.entry("surname", "PERSON"), Map.entry("patientname", "PERSON"), Map.entry("email", "EMAIL_ADDRESS"),
            Map.entry("emailaddress", "EMAIL_ADDRESS"), Map.entry("phone", "PHONE_NUMBER"),
            Map.entry("phonenumber", "PHONE_NUMBER"), Map.entry("telephone", "PHONE_NUMBER"),
            Map.entry("mobile", "PHONE_NUMBER"), Map.entry("fax", "PHONE_NUMBER"), Map.entry("ssn", "US_SSN"),
            Map.entry("socialsecuritynumber", "US_SSN"), Map.entry("address", "STREET_ADDRESS"),
            Map.entry("streetaddress", "STREET_ADDRESS"), Map.entry("street", "STREET_ADDRESS"),
            Map.entry("iban", "IBAN_CODE"), Map.entry("accountnumber", "ACCOUNT_NUMBER"),
            Map.entry("creditcard", "CREDIT_CARD"), Map.entry("cardnumber", "CREDIT_CARD"),
            Map.entry("mrn", "MEDICAL_RECORD_NUMBER"), Map.entry("medicalrecordnumber", "MEDICAL_RECORD_NUMBER"),
            Map.entry("passport", "PASSPORT"), Map.entry("passportnumber", "PASSPORT"),
            Map.entry("driverslicense", "DRIVER_LICENSE"), Map.entry("ipaddress", "IP_ADDRESS"));
    private static final int SAMPLE = 200;

    private DirectIdentifiers() {
    }

    /** Each flagged column with the identifier type it holds and why ("header" or the share of values flagged). */
    static Map<String, String> find(Table table) {
        PiiScanner scanner = PiiScanner.defaults(PiiMode.BALANCED);
        Map<String, String> found = new LinkedHashMap<>();
        for (int c = 0; c < table.columns().size(); c++) {
            String column = table.columns().get(c);
            String header = HEADERS.get(column.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", ""));
            if (header != null) {
                found.put(column, header + " (by its header)");
                continue;
            }
            // A sample of the column's values, each distinct value scanned once (categorical columns repeat).
            Map<String, Integer> sample = new LinkedHashMap<>();
            int looked = 0;
            int step = Math.max(1, table.size() / SAMPLE);
            for (int r = 0; r < table.size() && looked < SAMPLE; r += step) {
                String value = table.cell(r, c);
                if (!value.isEmpty()) {
                    looked++;
                    sample.merge(value, 1, Integer::sum);
                }
            }
            Map<String, Integer> types = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : sample.entrySet()) {
                String value = e.getKey();
                for (Finding f : scanner.scan(List.of(value))) {
                    if (!INDIRECT.contains(f.type()) && f.end() - f.start() >= 0.8 * value.length()) {
                        types.merge(f.type(), e.getValue(), Integer::sum);
                        break;
                    }
                }
            }
            int seen = looked;
            types.entrySet().stream().max(Map.Entry.comparingByValue())
                    .filter(e -> e.getValue() >= 0.5 * seen && seen > 0)
                    .ifPresent(e -> found.put(column, e.getKey() + String.format(Locale.ROOT,
                            " (%.0f%% of %d values flagged)", 100.0 * e.getValue() / seen, seen)));
        }
        return found;
    }
}
