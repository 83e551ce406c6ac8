@lending @lending-hold
Feature: Lending: place a hold on the requested item
  Horizon and Symphony only: a new lending request places a hold on the requested item for the
  borrowing library's account, so the item is kept for the shipment.

  Background:
    Given a lending library on the ILS with the default integration settings
    And the library places holds on requested items

  Scenario: A new lending request places a hold for the borrowing library
    When a lending request from the partner library for an available item arrives
    Then the ILS has a hold on the requested item for the partner library's account
    And the circulation history says "Hold placed on the requested item"
