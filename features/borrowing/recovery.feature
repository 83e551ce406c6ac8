@borrowing
Feature: Recovery without the strap, and the connection check
  The strap with the temporary barcode is lost (seed 004): staff find the item among the
  patron's current loans, asked of the ILS itself, and nothing else on the patron's card is
  mistaken for it. Before any of this, the library's connection to the ILS checks out.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  @patron-loans
  Scenario: The patron's current loans in the ILS give the temporary item back, and nothing else
    Given a loan request for the good patron has been received
    When circulation staff check the temporary item in at the pickup location
    And circulation staff check the temporary item out to the good patron
    And circulation staff check a library item out to the good patron
    Then staff find the temporary item among the good patron's current loans, as the ILS lists them
    And the library item is not among them

  @connection-check
  Scenario: The library's connection checks out
    When the administrator checks the library's connection
    Then no check has failed, and every skipped check says why
