@borrowing
Feature: The lender ships the item
  The supplier's item barcode and due date arrive with the shipment. Where the ILS can charge
  fees on shipped (Alma, WMS), the ILL fee is charged to the patron.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: Shipping puts the request in transit with the supplier's barcode and due date
    Given a loan request for the good patron has been sent
    When the lender ships it with item barcode "SUP-{id}" due in 40 days
    Then the request is "in-transit"

  @fees-on-shipped
  Scenario: The ILL fee is charged to the patron when the lender ships
    Given the library charges an ILL fee of 7.50 when the lender ships
    And a loan request for the good patron has been sent
    When the lender ships it with item barcode "SUP-{id}" due in 40 days
    Then the ILS has a fee of 7.50 for the good patron
    And the circulation history says "charged to patron"

  Scenario: No fee is charged when the setting is off
    Given a loan request for the good patron has been sent
    When the lender ships it with item barcode "SUP-{id}" due in 40 days
    Then the ILS has no fee for the good patron for this request
