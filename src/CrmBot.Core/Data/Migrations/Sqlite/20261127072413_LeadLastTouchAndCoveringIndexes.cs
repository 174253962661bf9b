using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadLastTouchAndCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_AccountId_Stage",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_ExpectedCloseDate_Stage",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_OwnerId_ExpectedCloseDate",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_LastTouchAt",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Activities_LeadId_Status",
                table: "Activities");

            migrationBuilder.AddColumn<DateTime>(
                name: "LastTouchAt",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_AccountId_Stage_ClosedAt",
                table: "Opportunities",
                columns: new[] { "AccountId", "Stage", "ClosedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_OwnerId_ExpectedCloseDate_Stage_Currency_AmountCents_ForecastCategory_Probability",
                table: "Opportunities",
                columns: new[] { "OwnerId", "ExpectedCloseDate", "Stage", "Currency", "AmountCents", "ForecastCategory", "Probability" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_LastTouchAt_OwnerId_Currency_AmountCents",
                table: "Opportunities",
                columns: new[] { "Stage", "LastTouchAt", "OwnerId", "Currency", "AmountCents" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_ConvertedOpportunityId_ConvertedAt_LastTouchAt_CreatedAt_Status",
                table: "Leads",
                columns: new[] { "ConvertedOpportunityId", "ConvertedAt", "LastTouchAt", "CreatedAt", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_LeadId_Status_CompletedAt",
                table: "Activities",
                columns: new[] { "LeadId", "Status", "CompletedAt" });

            // Backfill the new derived column (after the index it seeks in); from now on LastTouch keeps it.
            migrationBuilder.Sql("""
                UPDATE "Leads" SET "LastTouchAt" =
                    (SELECT max(a."CompletedAt") FROM "Activities" AS a WHERE a."LeadId" = "Leads"."Id" AND a."Status" = 1);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_LastContactAt_CreatedAt_OwnerId",
                table: "Accounts",
                columns: new[] { "LastContactAt", "CreatedAt", "OwnerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_AccountId_Stage_ClosedAt",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_OwnerId_ExpectedCloseDate_Stage_Currency_AmountCents_ForecastCategory_Probability",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_LastTouchAt_OwnerId_Currency_AmountCents",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Leads_ConvertedOpportunityId_ConvertedAt_LastTouchAt_CreatedAt_Status",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Activities_LeadId_Status_CompletedAt",
                table: "Activities");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_LastContactAt_CreatedAt_OwnerId",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "LastTouchAt",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_AccountId_Stage",
                table: "Opportunities",
                columns: new[] { "AccountId", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_ExpectedCloseDate_Stage",
                table: "Opportunities",
                columns: new[] { "ExpectedCloseDate", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_OwnerId_ExpectedCloseDate",
                table: "Opportunities",
                columns: new[] { "OwnerId", "ExpectedCloseDate" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_LastTouchAt",
                table: "Opportunities",
                columns: new[] { "Stage", "LastTouchAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_LeadId_Status",
                table: "Activities",
                columns: new[] { "LeadId", "Status" });
        }
    }
}
