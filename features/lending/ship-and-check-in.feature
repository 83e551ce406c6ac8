@lending
Feature: Lending: ship, return and check in
  Another library asks for one of our items. On shipped the item is checked out to the borrowing
  library's ILS account with the request's due date; on check-in it is checked back in and its
  permanent location restored.

  Background:
    Given a lending library on the ILS with the default integration settings

  Scenario: Shipping checks the item out to the borrowing library's account with the due date
    Given a lending request from the partner library for an available item
    When ILL staff ship the item due in 30 days
    Then the request is "shipped"
    And the item is on loan in the ILS to the partner library's account due 30 days from today
    And the circulation history says "checked out of the circulation system"

  Scenario: With no due date the ILS loan policy applies
    Given a lending request from the partner library for an available item
    When ILL staff ship the item with no due date
    Then the item is on loan in the ILS to the partner library's account

  Scenario: A borrowing library without a mapped account uses the default account
    Given a lending request from an unmapped library for an available item
    When ILL staff ship the item due in 30 days
    Then the item is on loan in the ILS to the default borrowing account

  @temporary-location
  Scenario: The lent item moves to the ILL temporary location and back
    Given the library moves lent items to the ILL temporary location
    And a lending request from the partner library for an available item
    When ILL staff ship the item due in 30 days
    Then the item is in the ILL temporary location
    When the borrowing library returns the item
    And ILL staff check the item in
    Then the item is back in its permanent location

  Scenario: Check-in completes the request and makes the item available
    Given a lending request from the partner library for an available item
    And ILL staff ship the item due in 30 days
    When the borrowing library returns the item
    Then the request is "returned"
    When ILL staff check the item in
    Then the request is "complete"
    And the item is not on loan in the ILS
    And the circulation history says "checked in"

  @ils-item-status
  Scenario: Circulation checked the item in before ILL did
    Given a lending request from the partner library for an available item
    And ILL staff ship the item due in 30 days
    And the borrowing library returns the item
    When circulation staff take the lent item back at the desk
    And ILL staff check the item in
    Then the request is "complete"
    And the circulation history says "already checked in"

  Scenario: Switched off, shipping leaves the ILS alone
    Given the library does not check out on shipped
    And a lending request from the partner library for an available item
    When ILL staff ship the item due in 30 days
    Then the item is not on loan in the ILS
