@borrowing @due-soon-notice
Feature: The "item about to be due" notice comes from ILL, not from circulation
  Seed 004: "Item about to be due (not from Circulation…)": the reminder is ILL's, ahead of the
  book strap's date, through the library's notice queue with a lead time setting; it moves when the
  date moves and is withdrawn when the loan ends.

  Background:
    Given a borrowing library on the ILS with the default integration settings
    And the library sends "item about to be due" notices 3 days ahead

  Scenario: Receiving the loan schedules the notice three days before the strap date
    Given a loan request for the good patron has been received with a lender due date in 30 days
    Then an "item about to be due" notice to the good patron is scheduled 3 days before the patron's due date
    And the circulation history says "Item about to be due notice to patron"

  Scenario: Returning the item withdraws the notice
    Given a loan request for the good patron has been received with a lender due date in 30 days
    When ILL staff mark the request returned
    Then no "item about to be due" notice is scheduled for the request
    And the circulation history says "Item about to be due notice to patron"
