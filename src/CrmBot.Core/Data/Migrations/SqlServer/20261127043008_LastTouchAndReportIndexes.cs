using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrmBot.Core.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LastTouchAndReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_ClosedAt",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Leads_ConvertedOpportunityId",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CreatedAt_Source_Status",
                table: "Leads");

            migrationBuilder.AddColumn<DateTime>(
                name: "LastTouchAt",
                table: "Opportunities",
                type: "datetime2",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<DateTime>(
                name: "LastContactAt",
                table: "Accounts",
                type: "datetime2",
                nullable: true);

            // Fill the derived columns from the existing activities (the same definitions as LastTouch.RecomputeAllAsync;
            // SaveChanges keeps them from here on). Status 1 = Completed.
            migrationBuilder.Sql("""
                UPDATE o SET [LastTouchAt] = (SELECT MAX(v.t) FROM (VALUES (o.[LastModifiedAt]),
                    ((SELECT MAX(a.[CompletedAt]) FROM [Activities] AS a WHERE a.[OpportunityId] = o.[Id] AND a.[Status] = 1)),
                    ((SELECT MAX(a.[CompletedAt]) FROM [Activities] AS a WHERE a.[AccountId] = o.[AccountId] AND a.[Status] = 1))) AS v(t))
                FROM [Opportunities] AS o;
                """);
            migrationBuilder.Sql("""
                UPDATE c SET [LastContactAt] = (SELECT MAX(v.t) FROM (VALUES
                    ((SELECT MAX(a.[CompletedAt]) FROM [Activities] AS a WHERE a.[AccountId] = c.[Id] AND a.[Status] = 1)),
                    ((SELECT MAX(a.[CompletedAt]) FROM [Activities] AS a JOIN [Opportunities] AS o ON a.[OpportunityId] = o.[Id]
                      WHERE o.[AccountId] = c.[Id] AND a.[Status] = 1))) AS v(t))
                FROM [Accounts] AS c;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_ExpectedCloseDate_Stage",
                table: "Opportunities",
                columns: new[] { "ExpectedCloseDate", "Stage" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_ClosedAt_OwnerId_Currency_AmountCents_Type",
                table: "Opportunities",
                columns: new[] { "Stage", "ClosedAt", "OwnerId", "Currency", "AmountCents", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_LastTouchAt",
                table: "Opportunities",
                columns: new[] { "Stage", "LastTouchAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_OwnerId_Currency_AmountCents_Probability",
                table: "Opportunities",
                columns: new[] { "Stage", "OwnerId", "Currency", "AmountCents", "Probability" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_ConvertedOpportunityId_OwnerId_CreatedAt",
                table: "Leads",
                columns: new[] { "ConvertedOpportunityId", "OwnerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CreatedAt_Source_Status_ConvertedAt_ConvertedOpportunityId",
                table: "Leads",
                columns: new[] { "CreatedAt", "Source", "Status", "ConvertedAt", "ConvertedOpportunityId" });

            migrationBuilder.CreateIndex(
                name: "IX_Activities_Status_CompletedAt_OwnerId_Type",
                table: "Activities",
                columns: new[] { "Status", "CompletedAt", "OwnerId", "Type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_ExpectedCloseDate_Stage",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_ClosedAt_OwnerId_Currency_AmountCents_Type",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_LastTouchAt",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_Stage_OwnerId_Currency_AmountCents_Probability",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Leads_ConvertedOpportunityId_OwnerId_CreatedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CreatedAt_Source_Status_ConvertedAt_ConvertedOpportunityId",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Activities_Status_CompletedAt_OwnerId_Type",
                table: "Activities");

            migrationBuilder.DropColumn(
                name: "LastTouchAt",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "LastContactAt",
                table: "Accounts");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_Stage_ClosedAt",
                table: "Opportunities",
                columns: new[] { "Stage", "ClosedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_ConvertedOpportunityId",
                table: "Leads",
                column: "ConvertedOpportunityId");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CreatedAt_Source_Status",
                table: "Leads",
                columns: new[] { "CreatedAt", "Source", "Status" });
        }
    }
}
