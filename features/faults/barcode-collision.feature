@faults
Feature: A temporary barcode already in the ILS is never overwritten

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: A barcode in use gets a clear error and a suggested alternative
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received with the barcode of an item the ILS already has
    Then the request needs attention
    And the circulation history says "suggestion"
    And the existing ILS item is unchanged
