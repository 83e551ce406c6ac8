@borrowing
Feature: Receiving the borrowed item
  ILL staff mark the item received. The temporary barcode is pre-filled from the configured
  source and may be overwritten. A temporary item and an item-level hold for the patron at the
  pickup location are created in the ILS.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: The request ID becomes the temporary barcode (the recommended default)
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the request is "received"
    And the ILS has a temporary item with the request ID as barcode
    And the temporary item carries the title, the request ID and the lending library
    And the temporary item is in the ILL location
    And the ILS has a hold on the temporary item for the good patron at the pickup location
    And the circulation history says "successfully created"
    And the circulation history says "Hold placed"

  @shelving-location
  Scenario: The temporary item is shelved at the library's ILL shelving location
    Given the library shelves temporary items at its ILL shelving location
    And a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the temporary item is at the ILL shelving location, not the ILL location
    And the ILS has a hold on the temporary item for the good patron at the pickup location

  Scenario: The supplier's barcode becomes the temporary barcode
    Given the library takes temporary barcodes from the supplier's item barcode
    And a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the ILS has a temporary item with barcode "SUP-{id}"

  Scenario: ILL staff overwrite the temporary barcode
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received with temporary barcode "OVR-{id}"
    Then the ILS has a temporary item with barcode "OVR-{id}"
    And the ILS has no item with the request ID as barcode

  Scenario: The setting switched off skips creating the item
    Given the library does not create items on received
    And a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the request is "received"
    And the ILS has no item with the request ID as barcode
