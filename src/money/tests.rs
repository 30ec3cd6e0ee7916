use super::*;

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn money(minor: i64, code: &str) -> Money {
    Money::new(minor, cur(code))
}

#[test]
fn forms_take_only_codes_in_use() {
    assert!(
        ISO_4217.windows(2).all(|w| w[0] < w[1]),
        "sorted, once each"
    );
    assert_eq!(Currency::parse_iso(" eur ").unwrap().code(), "EUR");
    assert!(Currency::parse_iso("JPY").is_ok());
    assert!(Currency::parse_iso("XYZ").is_err());
    assert!(Currency::parse_iso("EURO").is_err());
}

#[test]
fn currencies_know_their_decimals() {
    assert_eq!(cur("JPY").decimals(), 0);
    assert_eq!(cur("usd").decimals(), 2);
    assert_eq!(cur("BHD").decimals(), 3);
    assert_eq!(cur("CLF").decimals(), 4);
    assert!(Currency::parse("EURO").is_err());
    assert!(Currency::parse("€").is_err());
}

#[test]
fn amounts_are_written_in_their_currencys_decimals() {
    assert_eq!(money(150_000, "JPY").to_string(), "150,000 JPY");
    assert_eq!(money(150_000, "JPY").plain(), "150000");
    assert_eq!(money(-150, "USD").plain(), "-1.50");
    assert_eq!(money(-150, "USD").to_string(), "-1.50 USD");
    assert_eq!(money(-5, "EUR").plain(), "-0.05");
    assert_eq!(money(129_900, "EUR").to_string(), "1,299.00 EUR");
    assert_eq!(money(1_250, "BHD").plain(), "1.250");
    assert_eq!(money(0, "USD").plain(), "0.00");
    assert_eq!(money(12_345_678_900, "USD").grouped(), "123,456,789.00");
    assert_eq!(money(i64::MIN, "USD").plain(), "-92233720368547758.08");
}

#[test]
fn amounts_as_real_exports_write_them() {
    let (p, c) = (DecimalMark::Point, DecimalMark::Comma);
    let eur = cur("EUR");
    let usd = cur("USD");
    assert_eq!(
        Money::parse("$1,299.00", p, &eur),
        Ok(money(129_900, "USD"))
    );
    assert_eq!(Money::parse("1299", p, &usd), Ok(money(129_900, "USD")));
    assert_eq!(Money::parse("1299.5", p, &usd), Ok(money(129_950, "USD")));
    assert_eq!(
        Money::parse("USD 1,299.00", p, &eur),
        Ok(money(129_900, "USD"))
    );
    assert_eq!(
        Money::parse("1.299,00 €", c, &usd),
        Ok(money(129_900, "EUR"))
    );
    assert_eq!(
        Money::parse("1 299,00 EUR", c, &usd),
        Ok(money(129_900, "EUR"))
    );
    assert_eq!(
        Money::parse("US$ 12,000,000.99", p, &eur),
        Ok(money(1_200_000_099, "USD"))
    );
    assert_eq!(
        Money::parse("$1,299.00", p, &cur("AUD")),
        Ok(money(129_900, "AUD"))
    );
    assert_eq!(Money::parse("¥150000", p, &eur), Ok(money(150_000, "JPY")));
    assert_eq!(Money::parse("-150.00", p, &usd), Ok(money(-15_000, "USD")));
    assert_eq!(Money::parse("(150.00)", p, &usd), Ok(money(-15_000, "USD")));
}

#[test]
fn what_is_not_an_amount_says_why() {
    let p = DecimalMark::Point;
    let usd = cur("USD");
    assert!(
        Money::parse("1,29", p, &usd)
            .unwrap_err()
            .to_string()
            .contains("thousands grouped")
    );
    assert!(
        Money::parse("12.345", p, &usd)
            .unwrap_err()
            .to_string()
            .contains("3 decimals")
    );
    assert!(Money::parse("n/a", p, &usd).is_err());
    assert!(
        Money::parse("¥12.5", p, &usd)
            .unwrap_err()
            .to_string()
            .contains("JPY has 0")
    );
    assert!(matches!(
        Money::parse("99999999999999999999", p, &usd),
        Err(MoneyError::TooLarge(_))
    ));
}

#[test]
fn sums_stay_in_one_currency() {
    assert_eq!(
        money(150, "USD").checked_add(&money(-50, "USD")),
        Ok(money(100, "USD"))
    );
    assert!(money(1, "USD").checked_add(&money(1, "EUR")).is_err());
}

#[test]
fn parsing_what_was_written_gives_the_same_amount() {
    for (minor, code) in [
        (129_900, "EUR"),
        (-150, "USD"),
        (150_000, "JPY"),
        (1_250, "BHD"),
    ] {
        let m = money(minor, code);
        let c = cur(code);
        assert_eq!(
            Money::parse(&m.plain(), DecimalMark::Point, &c),
            Ok(m.clone())
        );
        assert_eq!(Money::parse(&m.to_string(), DecimalMark::Point, &c), Ok(m));
    }
}
